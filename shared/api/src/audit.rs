//! A member of staff acting: who they are, and the request they act in, so each thing they
//! do becomes an audit record (留痕) naming them, their roles and the request.

use crate::auth::Staff;
use model::{FreeText, Invalid};
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

/// Why a member of staff opens an identity (an applicant's, an anonymous complainant's): 2 to
/// 200 characters, kept on the trail.
pub struct Reason(pub FreeText);

impl std::str::FromStr for Reason {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let text = FreeText::parse(raw, 200)?;
        if text.expose().chars().count() < 2 {
            return Err(Invalid::new("请说明查看原因（2-200字）"));
        }
        Ok(Self(text))
    }
}
