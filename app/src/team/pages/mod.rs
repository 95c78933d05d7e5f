//! The team page, the audit log, and the public page that accepts an invitation.

mod audit;
mod invites;
mod join;
mod team;

pub use audit::AuditPage;
pub use join::JoinPage;
pub use team::TeamPage;

use crate::access::Role;

/// The roles an invitation or a role change may give, as `<select>` options.
pub(crate) fn role_options(
    t: &'static crate::i18n::Strings,
    with_owner: bool,
) -> Vec<(String, String)> {
    [
        Role::Owner,
        Role::Admin,
        Role::Supervisor,
        Role::Rep,
        Role::Viewer,
    ]
    .into_iter()
    .filter(|r| with_owner || *r != Role::Owner)
    .map(|r| (r.as_str().to_string(), t.role(r.as_str()).to_string()))
    .collect()
}
