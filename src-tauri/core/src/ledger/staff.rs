//! Staff and their PINs. PINs are stored only as Argon2id hashes.

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

/// PINs are 4 to 12 digits: typed on a keypad, long enough to matter.
pub fn check_pin_format(pin: &str) -> Result<(), LedgerError> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(LedgerError::Rule("a PIN is 4 to 12 digits".into()))
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
        check_pin_format(pin)?;
        let hash = hash_pin(pin)?;
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
        // Manager PINs approve refunds without a name, so each must be unique.
        if role == Role::Manager && managers(&tx)?.iter().any(|(_, h)| pin_matches(pin, h)) {
            return Err(LedgerError::Rule(
                "another manager already uses that PIN; choose a different one".into(),
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

    /// Checks a named person's PIN. A wrong PIN is written to the audit log.
    pub fn verify_staff_pin(&self, name: &str, pin: &str) -> Result<Staff, LedgerError> {
        let conn = self.conn();
        let found = conn
            .query_row(
                "SELECT *, pin_hash FROM staff WHERE name = ?1 AND active = 1",
                [name.trim()],
                |r| Ok((staff_from_row(r)?, r.get::<_, String>("pin_hash")?)),
            )
            .optional()?;
        match found {
            Some((staff, hash)) if pin_matches(pin, &hash) => Ok(staff),
            Some((staff, _)) => {
                audit::append(
                    &conn,
                    Some(staff.id),
                    "pin_rejected",
                    Some("staff"),
                    Some(staff.id),
                    "",
                )?;
                Err(LedgerError::WrongPin)
            }
            None => Err(LedgerError::NotFound(format!(
                "staff member {:?}",
                name.trim()
            ))),
        }
    }

    /// Finds the manager whose PIN this is (approvals carry no name).
    pub fn verify_manager_pin(&self, pin: &str, action: &str) -> Result<Staff, LedgerError> {
        let conn = self.conn();
        match managers(&conn)?
            .into_iter()
            .find(|(_, h)| pin_matches(pin, h))
        {
            Some((staff, _)) => Ok(staff),
            None => {
                audit::append(&conn, None, "manager_pin_rejected", None, None, action)?;
                Err(LedgerError::WrongPin)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn first_staff_is_a_manager_and_later_ones_need_approval() {
        let l = Ledger::open_in_memory().unwrap();
        assert!(l.add_staff("Ann", Role::Cashier, "1234", None).is_err());
        let boss = l.add_staff("Mei", Role::Manager, "9876", None).unwrap();
        assert!(l.add_staff("Bo", Role::Cashier, "1111", None).is_err());
        l.add_staff("Bo", Role::Cashier, "1111", Some(boss.id))
            .unwrap();
        assert!(
            l.add_staff("bo", Role::Cashier, "2222", Some(boss.id))
                .is_err(),
            "names are unique"
        );
        assert!(
            l.add_staff("Kit", Role::Manager, "9876", Some(boss.id))
                .is_err(),
            "manager PINs are unique"
        );
        assert!(l
            .add_staff("Kit", Role::Cashier, "12a4", Some(boss.id))
            .is_err());
    }

    #[test]
    fn pins_are_hashed_and_checked() {
        let l = Ledger::open_in_memory().unwrap();
        l.add_staff("Mei", Role::Manager, "9876", None).unwrap();
        let stored: String = l
            .conn()
            .query_row("SELECT pin_hash FROM staff", [], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$") && !stored.contains("9876"));
        assert_eq!(l.verify_staff_pin("mei", "9876").unwrap().name, "Mei");
        assert!(matches!(
            l.verify_staff_pin("Mei", "0000"),
            Err(LedgerError::WrongPin)
        ));
        assert_eq!(l.verify_manager_pin("9876", "refund").unwrap().name, "Mei");
        assert!(matches!(
            l.verify_manager_pin("1234", "refund"),
            Err(LedgerError::WrongPin)
        ));
        let audit = l.audit_entries().unwrap();
        assert!(audit.iter().any(|(a, _, _)| a == "manager_pin_rejected"));
    }
}
