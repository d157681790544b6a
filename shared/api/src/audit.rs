//! A member of staff acting: who they are, and the request they act in, so each thing they
//! do becomes an audit record (留痕) naming them, their roles and the request.

use crate::auth::Staff;
use store::audit::Record;

/// A member of staff the directory stands behind, in one request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub staff: Staff,
    pub request_id: Option<String>,
}

impl Actor {
    /// The record of `action` on `subject`, done now.
    pub fn record(&self, action: impl Into<String>, subject: impl Into<String>, now: jiff::Timestamp) -> Record {
        Record::new(
            self.staff.id.as_str(),
            self.staff.roles_text(),
            self.staff.dept.as_ref().map(ToString::to_string),
            action,
            subject,
            now,
        )
        .request(self.request_id.clone())
    }
}

impl std::ops::Deref for Actor {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        &self.staff
    }
}
