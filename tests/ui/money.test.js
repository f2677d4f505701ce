// Keypad and decimal-string money: no JS number ever touches an amount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  keypadPress, keypadType, isPositive, toWire, isValidAmount, compareDecimal, formatMoney, formatTyping, decimalsFor,
} from '../../ui/money.js';

const type = (keys, cur = 'HKD') => keys.reduce((a, k) => keypadPress(a, k, cur), '');

test('digits and the decimal point build the string', () => {
  assert.equal(type(['1', '2', '.', '5']), '12.5');
  assert.equal(type(['1', '2', '.', '5', '0']), '12.50');
  assert.equal(type(['.', '5']), '0.5');
});

test('at most two decimals, one point', () => {
  assert.equal(type(['1', '.', '2', '3', '4']), '1.23');
  assert.equal(type(['1', '.', '.', '2']), '1.2');
});

test('no leading zeros', () => {
  assert.equal(type(['0', '0', '7']), '7');
  assert.equal(type(['0', '.', '0', '5']), '0.05');
  assert.equal(type(['0']), '0');
});

test('at most nine integer digits', () => {
  assert.equal(type('1234567890'.split('')), '123456789');
  assert.equal(type([...'123456789'.split(''), '.', '9', '9']), '123456789.99');
});

test('JPY and KRW have no decimals', () => {
  assert.equal(decimalsFor('JPY'), 0);
  assert.equal(decimalsFor('KRW'), 0);
  assert.equal(type(['1', '2', '.', '5'], 'JPY'), '125');
  assert.equal(toWire('1200', 'JPY'), '1200');
});

test('back and clear', () => {
  assert.equal(keypadPress('12.5', 'back', 'HKD'), '12.');
  assert.equal(keypadPress('1', 'back', 'HKD'), '');
  assert.equal(keypadPress('12.5', 'clear', 'HKD'), '');
  assert.equal(keypadPress('', 'back', 'HKD'), '');
});

test('typed text and comma from a numeric keypad', () => {
  assert.equal(keypadType('', '12,5', 'EUR'), '12.5');
  assert.equal(keypadType('', 'a1b2', 'HKD'), '12');
});

test('isPositive', () => {
  for (const s of ['0.01', '1', '12.', '100.00']) assert.ok(isPositive(s), s);
  for (const s of ['', '0', '0.', '0.00', 'abc', '-1', null]) assert.ok(!isPositive(s), String(s));
});

test('toWire pads to the currency digits', () => {
  assert.equal(toWire('12.', 'HKD'), '12.00');
  assert.equal(toWire('12.5', 'HKD'), '12.50');
  assert.equal(toWire('0.05', 'USD'), '0.05');
  assert.equal(toWire('7', 'CNY'), '7.00');
});

test('isValidAmount', () => {
  assert.ok(isValidAmount('12.50', 'HKD'));
  assert.ok(isValidAmount('12.5', 'HKD'));
  assert.ok(!isValidAmount('12.505', 'HKD'));
  assert.ok(!isValidAmount('012', 'HKD'));
  assert.ok(!isValidAmount('1.5', 'JPY'));
  assert.ok(!isValidAmount('1e3', 'HKD'));
});

test('compareDecimal is exact where floats are not', () => {
  assert.equal(compareDecimal('0.30', '0.3'), 0);
  assert.equal(compareDecimal('10', '9.99'), 1);
  assert.equal(compareDecimal('9.99', '10.00'), -1);
  assert.equal(compareDecimal('123456789.01', '123456789.1'), -1);
  assert.equal(compareDecimal('007.50', '7.5'), 0);
});

test('formatting for people', () => {
  assert.equal(formatMoney('1234.5', 'HKD'), '1,234.50');
  assert.equal(formatMoney('1200', 'JPY'), '1,200');
  assert.equal(formatMoney('0', 'USD'), '0.00');
  assert.equal(formatMoney('-12.5', 'USD'), '-12.50');
  assert.equal(formatTyping('', 'HKD'), '0.00');
  assert.equal(formatTyping('1234.5', 'HKD'), '1,234.5');
});
