//! Staff and their PINs. PINs are stored only as Argon2id hashes, and every
//! check counts: wrong PINs in a row slow the next try and, at five, lock
//! the check for fifteen minutes or until a manager lifts it. A named login
//! locks that person; a PIN alone (a manager's approval) locks manager
//! approvals on this till. Hashes are checked outside the ledger's lock, so
//! a slow check never holds up a payment.

use super::{audit, now_ms, Ledger, LedgerError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Manager,
    Cashier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Cashier => "cashier",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "manager" => Ok(Role::Manager),
            "cashier" => Ok(Role::Cashier),
            other => Err(format!("unknown role {other:?}; use manager or cashier")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// Whose PIN checks a lock stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "who", rename_all = "snake_case")]
pub enum PinSubject {
    /// One person's own login (opening a shift, unlocking as a manager).
    Person { id: i64, name: String },
    /// Manager approvals by PIN alone on this till (refunds, settings, staff).
    Approvals,
}

impl PinSubject {
    fn key(&self) -> String {
        match self {
            PinSubject::Person { id, .. } => format!("staff:{id}"),
            PinSubject::Approvals => "approvals".into(),
        }
    }

    fn describe(&self) -> String {
        match self {
            PinSubject::Person { name, .. } => format!("{name}'s PIN"),
            PinSubject::Approvals => "manager approvals on this till".into(),
        }
    }
}

/// A check that is locked now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PinLock {
    pub subject: PinSubject,
    /// Until then (ms) even the right PIN is refused, unless a manager
    /// lifts the lock first.
    pub locked_until: i64,
    pub until: String,
}

/// Wrong PINs in a row that lock a check.
pub const LOCK_AFTER: i64 = 5;
/// How long a lock lasts (ms).
pub const LOCK_FOR_MS: i64 = 15 * 60_000;

/// How long the next try waits after `failures` wrong PINs in a row (ms):
/// none after the first, then 1, 2 and 4 seconds.
fn pause_after(failures: i64) -> i64 {
    match failures {
        ..=1 => 0,
        n => 1000 << (n - 2).min(4),
    }
}

fn staff_from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let role: String = r.get("role")?;
    Ok(Staff {
        id: r.get("id")?,
        name: r.get("name")?,
        role: if role == "manager" {
            Role::Manager
        } else {
            Role::Cashier
        },
        active: r.get::<_, i64>("active")? != 0,
    })
}

/// PINs are digits typed on a keypad: 4 to 12 for a cashier, 6 to 12 for a
/// manager (a manager's PIN alone approves refunds and settings).
pub fn check_pin_format(pin: &str, role: Role) -> Result<(), LedgerError> {
    let shortest = match role {
        Role::Manager => 6,
        Role::Cashier => 4,
    };
    if (shortest..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(LedgerError::Rule(format!(
            "a {}'s PIN is {shortest} to 12 digits",
            role.as_str()
        )))
    }
}

fn hash_pin(pin: &str) -> Result<String, LedgerError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| LedgerError::Rule(format!("cannot hash the PIN: {e}")))
}

fn pin_matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn managers(conn: &Connection) -> Result<Vec<(Staff, String)>, LedgerError> {
    let mut stmt =
        conn.prepare("SELECT * FROM staff WHERE role = 'manager' AND active = 1 ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((staff_from_row(r)?, r.get::<_, String>("pin_hash")?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Refuses a check that is locked now, or asked again too soon.
fn check_not_locked(conn: &Connection, subject: &PinSubject) -> Result<(), LedgerError> {
    let row: Option<(i64, Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT failures, last_failed_at, locked_until FROM pin_failures WHERE subject = ?1",
            [subject.key()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((failures, last, locked_until)) = row else {
        return Ok(());
    };
    let now = now_ms();
    if let Some(until) = locked_until.filter(|u| *u > now) {
        return Err(LedgerError::Locked {
            what: subject.describe(),
            until: crate::time::iso(until),
        });
    }
    let ready_at = last.unwrap_or(0).saturating_add(pause_after(failures));
    if locked_until.is_none() && ready_at > now {
        return Err(LedgerError::TooSoon {
            wait_secs: (ready_at - now + 999) / 1000,
        });
    }
    Ok(())
}

impl Ledger {
    pub fn staff_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0))?)
    }

    pub fn list_staff(&self) -> Result<Vec<Staff>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT * FROM staff ORDER BY name")?;
        let rows = stmt
            .query_map([], staff_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn staff_by_id(&self, id: i64) -> Result<Staff, LedgerError> {
        self.conn()
            .query_row("SELECT * FROM staff WHERE id = ?1", [id], staff_from_row)
            .optional()?
            .ok_or_else(|| LedgerError::NotFound(format!("staff #{id}")))
    }

    pub fn staff_by_name(&self, name: &str) -> Result<Staff, LedgerError> {
        self.conn()
            .query_row(
                "SELECT * FROM staff WHERE name = ?1",
                [name.trim()],
                staff_from_row,
            )
            .optional()?
            .ok_or_else(|| LedgerError::NotFound(format!("staff member {:?}", name.trim())))
    }

    /// Adds a staff member. The very first must be a manager and needs no
    /// approval; every later addition needs a manager's approval.
    pub fn add_staff(
        &self,
        name: &str,
        role: Role,
        pin: &str,
        approved_by: Option<i64>,
    ) -> Result<Staff, LedgerError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(LedgerError::Rule("a name is 1 to 40 characters".into()));
        }
        check_pin_format(pin, role)?;
        let hash = hash_pin(pin)?;
        let others = managers(&self.conn())?;
        // Manager PINs approve refunds without a name, so each must be unique.
        if role == Role::Manager && others.iter().any(|(_, h)| pin_matches(pin, h)) {
            return Err(LedgerError::Rule(
                "another manager already uses that PIN; choose a different one".into(),
            ));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0))?;
        if count == 0 && role != Role::Manager {
            return Err(LedgerError::Rule(
                "the first staff member must be a manager".into(),
            ));
        }
        if count > 0 && approved_by.is_none() {
            return Err(LedgerError::Rule(
                "adding staff needs a manager's approval".into(),
            ));
        }
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM staff WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(LedgerError::Rule(format!(
                "there is already a staff member called {name}"
            )));
        }
        tx.execute(
            "INSERT INTO staff (name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash, now_ms()],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            approved_by,
            "staff_added",
            Some("staff"),
            Some(id),
            &format!("{name} ({})", role.as_str()),
        )?;
        let staff = tx.query_row("SELECT * FROM staff WHERE id = ?1", [id], staff_from_row)?;
        tx.commit()?;
        Ok(staff)
    }

    /// Adds staff with the approval the rules ask for: none for the very
    /// first (a manager), a manager's PIN for everyone after.
    pub fn add_staff_with_approval(
        &self,
        name: &str,
        role: Role,
        pin: &str,
        manager_pin: Option<&str>,
    ) -> Result<Staff, LedgerError> {
        let approved_by = if self.staff_count()? == 0 {
            None
        } else {
            let pin = manager_pin.ok_or_else(|| {
                LedgerError::Rule("adding staff needs a manager's approval".into())
            })?;
            Some(
                self.verify_manager_pin(pin, &format!("add staff {}", name.trim()))?
                    .id,
            )
        };
        self.add_staff(name, role, pin, approved_by)
    }

    /// Records how a check ended: a right PIN clears the count; a wrong one
    /// adds to it, and the fifth in a row locks the check.
    fn record_pin_check(
        &self,
        subject: &PinSubject,
        right: bool,
        staff_id: Option<i64>,
        action: &str,
    ) -> Result<(), LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if right {
            tx.execute(
                "DELETE FROM pin_failures WHERE subject = ?1",
                [subject.key()],
            )?;
            tx.commit()?;
            return Ok(());
        }
        let now = now_ms();
        let failures: i64 = tx.query_row(
            "INSERT INTO pin_failures (subject, failures, last_failed_at) VALUES (?1, 1, ?2)
                 ON CONFLICT (subject) DO UPDATE SET failures = failures + 1, last_failed_at = ?2
                 RETURNING failures",
            params![subject.key(), now],
            |r| r.get(0),
        )?;
        let (rejected, entity_id) = match subject {
            PinSubject::Person { id, .. } => ("pin_rejected", Some(*id)),
            PinSubject::Approvals => ("manager_pin_rejected", None),
        };
        audit::append(
            &tx,
            staff_id,
            rejected,
            subject_entity(subject),
            entity_id,
            &format!("{action} ({failures} in a row)"),
        )?;
        if failures >= LOCK_AFTER {
            let until = now.saturating_add(LOCK_FOR_MS);
            tx.execute(
                "UPDATE pin_failures SET locked_until = ?1 WHERE subject = ?2",
                params![until, subject.key()],
            )?;
            audit::append(
                &tx,
                staff_id,
                "pin_locked",
                subject_entity(subject),
                entity_id,
                &format!(
                    "{} locked until {}",
                    subject.describe(),
                    crate::time::iso(until)
                ),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Checks a named person's PIN. A wrong one counts against that person.
    pub fn verify_staff_pin(&self, name: &str, pin: &str) -> Result<Staff, LedgerError> {
        let (staff, hash) = {
            let conn = self.conn();
            let found = conn
                .query_row(
                    "SELECT * FROM staff WHERE name = ?1 AND active = 1",
                    [name.trim()],
                    |r| Ok((staff_from_row(r)?, r.get::<_, String>("pin_hash")?)),
                )
                .optional()?;
            let Some((staff, hash)) = found else {
                return Err(LedgerError::NotFound(format!(
                    "staff member {:?}",
                    name.trim()
                )));
            };
            check_not_locked(&conn, &person(&staff))?;
            (staff, hash)
        };
        // Argon2 takes its time, outside the ledger's lock.
        let right = pin_matches(pin, &hash);
        self.record_pin_check(&person(&staff), right, Some(staff.id), "login")?;
        if right {
            Ok(staff)
        } else {
            Err(LedgerError::WrongPin)
        }
    }

    /// Finds the manager whose PIN this is (approvals carry no name). A
    /// wrong one counts against manager approvals on this till.
    pub fn verify_manager_pin(&self, pin: &str, action: &str) -> Result<Staff, LedgerError> {
        self.verify_approval(pin, action, None)
    }

    /// A PIN alone that approves `action`: any active manager's, or, when
    /// given, also `also`'s own (a shift's cashier closing it).
    fn verify_approval(
        &self,
        pin: &str,
        action: &str,
        also: Option<i64>,
    ) -> Result<Staff, LedgerError> {
        let candidates = {
            let conn = self.conn();
            check_not_locked(&conn, &PinSubject::Approvals)?;
            let mut all = managers(&conn)?;
            if let Some(id) = also {
                let own = conn
                    .query_row(
                        "SELECT * FROM staff WHERE id = ?1 AND active = 1",
                        [id],
                        |r| Ok((staff_from_row(r)?, r.get::<_, String>("pin_hash")?)),
                    )
                    .optional()?;
                all.extend(own.filter(|(s, _)| s.role != Role::Manager));
            }
            all
        };
        let found = candidates
            .into_iter()
            .find(|(_, hash)| pin_matches(pin, hash))
            .map(|(staff, _)| staff);
        self.record_pin_check(
            &PinSubject::Approvals,
            found.is_some(),
            found.as_ref().map(|s| s.id),
            action,
        )?;
        found.ok_or(LedgerError::WrongPin)
    }

    /// Closes the open shift with its own cashier's PIN or any manager's.
    pub fn close_shift_with_pin(&self, pin: &str) -> Result<super::Shift, LedgerError> {
        let open = self.require_open_shift()?;
        let closer = self.verify_approval(pin, "close shift", Some(open.staff_id))?;
        self.close_shift(closer.id)
    }

    /// The checks locked now.
    pub fn pin_locks(&self) -> Result<Vec<PinLock>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT f.subject, f.locked_until, s.id, s.name FROM pin_failures f
             LEFT JOIN staff s ON f.subject = 'staff:' || s.id
             WHERE f.locked_until > ?1 ORDER BY f.subject",
        )?;
        let rows = stmt
            .query_map([now_ms()], |r| {
                let key: String = r.get(0)?;
                let until: i64 = r.get(1)?;
                let subject = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<String>>(3)?) {
                    (Some(id), Some(name)) if key != "approvals" => PinSubject::Person { id, name },
                    _ => PinSubject::Approvals,
                };
                Ok(PinLock {
                    subject,
                    locked_until: until,
                    until: crate::time::iso(until),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A manager lifts a lock early: on one person (`Some(name)`) or on
    /// manager approvals (`None`). The manager proves it with their own
    /// named PIN (which a lock on approvals does not stop).
    pub fn unlock_pin(
        &self,
        who: Option<&str>,
        manager_name: &str,
        manager_pin: &str,
    ) -> Result<PinSubject, LedgerError> {
        let manager = self.verify_staff_pin(manager_name, manager_pin)?;
        if manager.role != Role::Manager {
            return Err(LedgerError::Rule(format!(
                "{} is not a manager; only a manager lifts a lock",
                manager.name
            )));
        }
        let subject = match who {
            Some(name) => person(&self.staff_by_name(name)?),
            None => PinSubject::Approvals,
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM pin_failures WHERE subject = ?1",
            [subject.key()],
        )?;
        audit::append(
            &tx,
            Some(manager.id),
            "pin_unlocked",
            subject_entity(&subject),
            match &subject {
                PinSubject::Person { id, .. } => Some(*id),
                PinSubject::Approvals => None,
            },
            &subject.describe(),
        )?;
        tx.commit()?;
        Ok(subject)
    }

    /// Sets a new PIN: the person's own change (their old PIN), or a
    /// manager's reset (a manager's PIN, approving it).
    pub fn change_pin(
        &self,
        name: &str,
        new_pin: &str,
        proof: PinProof<'_>,
    ) -> Result<Staff, LedgerError> {
        let target = self.staff_by_name(name)?;
        if !target.active {
            return Err(LedgerError::Rule(format!("{} is deactivated", target.name)));
        }
        check_pin_format(new_pin, target.role)?;
        let (by, action) = match proof {
            PinProof::Own(old) => (self.verify_staff_pin(&target.name, old)?.id, "pin_changed"),
            PinProof::Manager(pin) => (
                self.verify_manager_pin(pin, &format!("reset {}'s PIN", target.name))?
                    .id,
                "pin_reset",
            ),
        };
        if target.role == Role::Manager
            && managers(&self.conn())?
                .iter()
                .any(|(s, h)| s.id != target.id && pin_matches(new_pin, h))
        {
            return Err(LedgerError::Rule(
                "another manager already uses that PIN; choose a different one".into(),
            ));
        }
        let hash = hash_pin(new_pin)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE staff SET pin_hash = ?1 WHERE id = ?2",
            params![hash, target.id],
        )?;
        // A new PIN starts with a clean count.
        tx.execute(
            "DELETE FROM pin_failures WHERE subject = ?1",
            [person(&target).key()],
        )?;
        audit::append(
            &tx,
            Some(by),
            action,
            Some("staff"),
            Some(target.id),
            &target.name,
        )?;
        tx.commit()?;
        Ok(target)
    }

    /// A manager deactivates someone: they can no longer open a shift or
    /// approve anything. The last active manager stays.
    pub fn deactivate_staff(&self, name: &str, manager_pin: &str) -> Result<Staff, LedgerError> {
        let target = self.staff_by_name(name)?;
        let manager =
            self.verify_manager_pin(manager_pin, &format!("deactivate {}", target.name))?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if target.role == Role::Manager {
            let others: i64 = tx.query_row(
                "SELECT COUNT(*) FROM staff WHERE role = 'manager' AND active = 1 AND id != ?1",
                [target.id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(LedgerError::Rule(format!(
                    "{} is the last active manager; add another manager first",
                    target.name
                )));
            }
        }
        tx.execute("UPDATE staff SET active = 0 WHERE id = ?1", [target.id])?;
        audit::append(
            &tx,
            Some(manager.id),
            "staff_deactivated",
            Some("staff"),
            Some(target.id),
            &target.name,
        )?;
        let after = tx.query_row(
            "SELECT * FROM staff WHERE id = ?1",
            [target.id],
            staff_from_row,
        )?;
        tx.commit()?;
        Ok(after)
    }
}

/// How a PIN change is proved.
#[derive(Debug, Clone, Copy)]
pub enum PinProof<'a> {
    /// The person's own current PIN.
    Own(&'a str),
    /// A manager's PIN (a reset).
    Manager(&'a str),
}

fn person(staff: &Staff) -> PinSubject {
    PinSubject::Person {
        id: staff.id,
        name: staff.name.clone(),
    }
}

fn subject_entity(subject: &PinSubject) -> Option<&'static str> {
    match subject {
        PinSubject::Person { .. } => Some("staff"),
        PinSubject::Approvals => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn with_staff() -> Ledger {
        let l = Ledger::open_in_memory().unwrap();
        let boss = l.add_staff("Mei", Role::Manager, "987654", None).unwrap();
        l.add_staff("Bo", Role::Cashier, "1111", Some(boss.id))
            .unwrap();
        l
    }

    /// Lets the next try come without its pause (tests do not wait).
    fn skip_pause(l: &Ledger) {
        l.conn()
            .execute("UPDATE pin_failures SET last_failed_at = 0", [])
            .unwrap();
    }

    #[test]
    fn first_staff_is_a_manager_and_later_ones_need_approval() {
        let l = Ledger::open_in_memory().unwrap();
        assert!(l.add_staff("Ann", Role::Cashier, "1234", None).is_err());
        let boss = l.add_staff("Mei", Role::Manager, "987654", None).unwrap();
        assert!(l.add_staff("Bo", Role::Cashier, "1111", None).is_err());
        l.add_staff("Bo", Role::Cashier, "1111", Some(boss.id))
            .unwrap();
        assert!(
            l.add_staff("bo", Role::Cashier, "2222", Some(boss.id))
                .is_err(),
            "names are unique"
        );
        assert!(
            l.add_staff("Kit", Role::Manager, "987654", Some(boss.id))
                .is_err(),
            "manager PINs are unique"
        );
        assert!(l
            .add_staff("Kit", Role::Cashier, "12a4", Some(boss.id))
            .is_err());
        let short = l
            .add_staff("Kit", Role::Manager, "1234", Some(boss.id))
            .unwrap_err();
        assert!(short.to_string().contains("6 to 12"), "{short}");
    }

    #[test]
    fn pins_are_hashed_and_checked() {
        let l = with_staff();
        let stored: String = l
            .conn()
            .query_row("SELECT pin_hash FROM staff WHERE name = 'Mei'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(stored.starts_with("$argon2id$") && !stored.contains("987654"));
        assert_eq!(l.verify_staff_pin("mei", "987654").unwrap().name, "Mei");
        assert!(matches!(
            l.verify_staff_pin("Mei", "000000"),
            Err(LedgerError::WrongPin)
        ));
        assert_eq!(
            l.verify_manager_pin("987654", "refund").unwrap().name,
            "Mei"
        );
        assert!(matches!(
            l.verify_manager_pin("1111", "refund"),
            Err(LedgerError::WrongPin)
        ));
        let audit = l.audit_entries().unwrap();
        assert!(audit.iter().any(|(a, _, _)| a == "manager_pin_rejected"));
    }

    #[test]
    fn five_wrong_pins_lock_the_person_even_against_the_right_one() {
        let l = with_staff();
        for n in 1..=4 {
            assert!(matches!(
                l.verify_staff_pin("Bo", "0000"),
                Err(LedgerError::WrongPin)
            ));
            if n >= 2 {
                // The next try waits a moment after the second wrong one.
                assert!(matches!(
                    l.verify_staff_pin("Bo", "1111"),
                    Err(LedgerError::TooSoon { .. })
                ));
            }
            skip_pause(&l);
        }
        assert!(matches!(
            l.verify_staff_pin("Bo", "0000"),
            Err(LedgerError::WrongPin)
        ));
        assert!(matches!(
            l.verify_staff_pin("Bo", "1111"),
            Err(LedgerError::Locked { .. })
        ));
        // Only Bo is locked; a manager's approval still works.
        assert!(l.verify_manager_pin("987654", "refund").is_ok());
        let locks = l.pin_locks().unwrap();
        assert_eq!(locks.len(), 1);
        assert!(matches!(&locks[0].subject, PinSubject::Person { name, .. } if name == "Bo"));
        // A manager lifts it; the right PIN works again and the count is clean.
        l.unlock_pin(Some("Bo"), "Mei", "987654").unwrap();
        assert!(l.verify_staff_pin("Bo", "1111").is_ok());
        assert!(l.pin_locks().unwrap().is_empty());
        let audit = l.audit_entries().unwrap();
        assert!(audit.iter().any(|(a, _, _)| a == "pin_locked"));
        assert!(audit.iter().any(|(a, _, _)| a == "pin_unlocked"));
    }

    #[test]
    fn five_wrong_approvals_lock_manager_approvals_on_this_till() {
        let l = with_staff();
        for _ in 0..5 {
            assert!(matches!(
                l.verify_manager_pin("123456", "refund"),
                Err(LedgerError::WrongPin)
            ));
            skip_pause(&l);
        }
        assert!(matches!(
            l.verify_manager_pin("987654", "refund"),
            Err(LedgerError::Locked { .. })
        ));
        // A named login still works: the manager can lift it.
        l.unlock_pin(None, "Mei", "987654").unwrap();
        assert!(l.verify_manager_pin("987654", "refund").is_ok());
        // A lock lasts fifteen minutes.
        for _ in 0..5 {
            let _ = l.verify_manager_pin("123456", "refund");
            skip_pause(&l);
        }
        l.conn()
            .execute("UPDATE pin_failures SET locked_until = ?1", [now_ms() - 1])
            .unwrap();
        assert!(l.verify_manager_pin("987654", "refund").is_ok());
    }

    #[test]
    fn pins_change_and_staff_are_deactivated_by_the_rules() {
        let l = with_staff();
        // Own change needs the old PIN; a manager's reset a manager's PIN.
        assert!(l.change_pin("Bo", "2222", PinProof::Own("9999")).is_err());
        skip_pause(&l);
        l.change_pin("Bo", "2222", PinProof::Own("1111")).unwrap();
        assert!(l.verify_staff_pin("Bo", "2222").is_ok());
        l.change_pin("Bo", "3333", PinProof::Manager("987654"))
            .unwrap();
        assert!(l.verify_staff_pin("Bo", "3333").is_ok());
        // A manager's new PIN is 6 digits at least.
        assert!(l
            .change_pin("Mei", "1234", PinProof::Own("987654"))
            .is_err());
        // Deactivated staff cannot log in or approve; the last manager stays.
        assert!(l.deactivate_staff("Mei", "987654").is_err());
        l.deactivate_staff("Bo", "987654").unwrap();
        assert!(matches!(
            l.verify_staff_pin("Bo", "3333"),
            Err(LedgerError::NotFound(_))
        ));
        let audit = l.audit_entries().unwrap();
        for action in ["pin_changed", "pin_reset", "staff_deactivated"] {
            assert!(audit.iter().any(|(a, _, _)| a == action), "{action}");
        }
    }
}
