// The computer's language picks the right script when nothing else says
// (the "cannot start" screen has no settings to read it from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLanguage, translate } from '../../ui/i18n/index.js';

test('Traditional Chinese locales get 繁體中文, others 简体中文 or English', () => {
  for (const code of ['zh-Hant', 'zh-Hant-TW', 'zh-Hant-HK', 'zh_TW', 'zh-HK', 'zh-MO', 'ZH-hant']) {
    assert.equal(normalizeLanguage(code), 'zh-Hant', code);
  }
  for (const code of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-CN', 'zh_SG']) {
    assert.equal(normalizeLanguage(code), 'zh-Hans', code);
  }
  for (const code of ['en', 'en-GB', 'fr', '', undefined]) {
    assert.equal(normalizeLanguage(code), 'en', String(code));
  }
});

test('translate speaks the language asked, whatever the counter speaks', () => {
  assert.equal(translate('zh-Hans', 'customer.paid'), '付款成功，谢谢！');
  assert.equal(translate('zh-Hant-HK', 'customer.paid'), '付款成功，謝謝！');
  assert.equal(translate('en', 'wallet.alipay'), 'Alipay');
});
