//! Acting for an enterprise (法人): who may, checked the same way by every route that
//! writes or lists for one.
//!
//! A citizen names the enterprise by its credit code (`enterprise` in a body or a query).
//! They may act for it while they are its representative or an agent within their dates,
//! and only on a face-verified identity: the membership is the person's (keyed by their
//! identity key), so a claimed binding, which anyone may make, must not carry it.

use crate::{ApiError, Code};
use model::LocalDate;
use model::enterprise::{Acting, CreditCode, Membership};
use model::verification::IdentityLevel;
use store::TransactWriteItem;
use store::citizens::Citizen;
use store::enterprises::EnterpriseStore;

/// A write's standing to act for an enterprise: what the record carries, and the condition
/// its transaction holds so a revocation in between refuses it.
#[derive(Debug, Clone)]
pub struct ForEnterprise {
    pub acting: Acting,
    pub condition: TransactWriteItem,
    /// The enterprise's 帮办员 (a staff id), who follows what is made for it.
    pub helper: Option<String>,
}

/// The credit code a request names, as the field `field`.
pub fn code(raw: &str, field: &str) -> Result<CreditCode, ApiError> {
    raw.parse().map_err(|e: model::Invalid| ApiError::field(field, e.0))
}

/// 403 `ENTERPRISE_NOT_AUTHORIZED`: not a member, no longer one, or the code unknown (the
/// answer is the same, so it tells nothing of who is registered).
pub fn not_authorized() -> ApiError {
    ApiError::code(Code::EnterpriseNotAuthorized)
}

/// The membership of `citizen` in the enterprise `code`, if they may act for it today.
pub async fn membership(
    store: &EnterpriseStore,
    citizen: Option<&Citizen>,
    code: &CreditCode,
    today: LocalDate,
) -> Result<(Membership, String), ApiError> {
    let (m, key, _) = standing(store, citizen, code, today).await?;
    Ok((m, key))
}

/// The membership, the identity key it is under, and the enterprise's helper: one read.
async fn standing(
    store: &EnterpriseStore,
    citizen: Option<&Citizen>,
    code: &CreditCode,
    today: LocalDate,
) -> Result<(Membership, String, Option<String>), ApiError> {
    let identity = citizen.and_then(|c| c.identity.as_ref().zip(c.id_key.as_deref()));
    ApiError::unless_identity(identity.map(|(i, _)| i.level), IdentityLevel::Verified)?;
    let Some((_, key)) = identity else {
        return Err(not_authorized());
    };
    match store.standing(code, key).await? {
        (Some(e), Some(m)) if m.active(today) => Ok((m, key.to_owned(), e.helper.map(|h| h.staff_id))),
        _ => Err(not_authorized()),
    }
}

/// What a write for the enterprise named by `raw` (the field `field`) carries, or the
/// refusal.
pub async fn acting(
    store: &EnterpriseStore,
    citizen: Option<&Citizen>,
    raw: &str,
    field: &str,
    today: LocalDate,
) -> Result<ForEnterprise, ApiError> {
    let code = code(raw, field)?;
    let (member, key, helper) = standing(store, citizen, &code, today).await?;
    Ok(ForEnterprise {
        acting: member.acting(),
        condition: store.still_acting(&code, &key, today)?,
        helper,
    })
}

/// The enterprise named by the query parameter `enterprise`, if any, once the caller is
/// found a member who may act for it: an enterprise's lists are for its members.
pub async fn listed(
    req: &lambda_http::Request,
    store: &EnterpriseStore,
    citizens: &store::citizens::CitizenStore,
    citizen: &model::CitizenId,
    today: LocalDate,
) -> Result<Option<CreditCode>, ApiError> {
    let Some(code) = crate::http::query::<CreditCode>(req, "enterprise")? else {
        return Ok(None);
    };
    let who = citizens.get(citizen).await?;
    membership(store, who.as_ref(), &code, today).await?;
    Ok(Some(code))
}
