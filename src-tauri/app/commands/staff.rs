//! Staff: the list (with any PIN check locked now), adding, PIN changes,
//! deactivating, and lifting a PIN lock.

use super::{state, NoArgs, Result};
use cashier_core::ledger::{PinLock, PinProof, PinSubject, Role, Staff};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;

#[derive(Serialize, JsonSchema)]
pub struct StaffList {
    staff: Vec<Staff>,
    locks: Vec<PinLock>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_list(app: AppHandle, _args: NoArgs) -> Result<StaffList> {
    let ledger = state(&app).engine()?.ledger().clone();
    Ok(StaffList {
        staff: ledger.list_staff()?,
        locks: ledger.pin_locks()?,
    })
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffAdd {
    name: String,
    role: Role,
    /// The new person's own PIN.
    pin: String,
    /// A manager's approval (none for the very first staff member).
    manager_pin: Option<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_add(app: AppHandle, args: StaffAdd) -> Result<Staff> {
    Ok(state(&app).engine()?.ledger().add_staff_with_approval(
        &args.name,
        args.role,
        &args.pin,
        args.manager_pin.as_deref(),
    )?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPin {
    name: String,
    new_pin: String,
    /// The person's own current PIN (changing their own).
    old_pin: Option<String>,
    /// A manager's PIN (resetting someone's).
    manager_pin: Option<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_pin(app: AppHandle, args: StaffPin) -> Result<Staff> {
    let proof = match (&args.manager_pin, &args.old_pin) {
        (Some(manager), _) => PinProof::Manager(manager),
        (None, Some(old)) => PinProof::Own(old),
        (None, None) => {
            return Err(cashier_core::CashierError::Auth(
                "the current PIN, or a manager's, is needed".into(),
            ))
        }
    };
    Ok(state(&app)
        .engine()?
        .ledger()
        .change_pin(&args.name, &args.new_pin, proof)?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffDeactivate {
    name: String,
    manager_pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_deactivate(app: AppHandle, args: StaffDeactivate) -> Result<Staff> {
    Ok(state(&app)
        .engine()?
        .ledger()
        .deactivate_staff(&args.name, &args.manager_pin)?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffUnlock {
    /// The locked person; none lifts the lock on manager approvals.
    name: Option<String>,
    /// The manager lifting it, and their own PIN.
    manager: String,
    manager_pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_unlock(app: AppHandle, args: StaffUnlock) -> Result<PinSubject> {
    Ok(state(&app).engine()?.ledger().unlock_pin(
        args.name.as_deref(),
        &args.manager,
        &args.manager_pin,
    )?)
}
