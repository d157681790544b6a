//! 法人 accounts: an enterprise registered at a hall from its licence, the enterprises a
//! person may act for, and the agents (经办人) its representative authorizes and revokes.
//!
//! Registration is the window's: the clerk holds the business licence and the
//! representative's ID card, as for any intake. The representative then acts online on a
//! face-verified identity; everyone else a member only by their word would be a squatter's
//! way in. Members are named to each other masked.

use crate::App;
use api::enterprise::{membership, not_authorized};
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::enterprise::{AgentId, CreditCode, EnterpriseName, Membership, Role, agent_until};
use model::staff::StaffRole;
use model::time::{local, rfc3339};
use model::verification::IdentityLevel;
use model::{IdNumber, LocalDate, RealName, parse_fields};
use serde::{Deserialize, Serialize};
use store::citizens::identity_key;
use store::enterprises::{Cond, Enterprise, Member};

/// A person as a clerk or a representative names them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PersonBody {
    real_name: String,
    id_number: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RegisterBody {
    credit_code: String,
    name: String,
    representative: PersonBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GrantBody {
    real_name: String,
    id_number: String,
    /// The agent's last day (inclusive), at most a year ahead.
    until: String,
}

/// A member as the enterprise's members see them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberView<'a> {
    /// An agent's id, for revoking; none for the representative.
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_id: Option<&'a str>,
    role: Role,
    name: &'a str,
    until: Option<LocalDate>,
    granted_at: &'a str,
    revoked_at: Option<&'a str>,
    active: bool,
}

fn member_view<'a>(id: &'a str, m: &'a Membership, today: LocalDate) -> MemberView<'a> {
    MemberView {
        agent_id: (m.role == Role::Agent).then_some(id),
        role: m.role,
        name: &m.member_name,
        until: m.until,
        granted_at: &m.granted_at,
        revoked_at: m.revoked_at.as_deref(),
        active: m.active(today),
    }
}

fn today(app: &App) -> LocalDate {
    LocalDate::new(local(app.clock.now()).date())
}

/// `POST /v1/office/enterprises`: window staff register an enterprise and name its legal
/// representative. 409 if the code is registered already.
pub async fn register(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    if !actor.has(StaffRole::Window) {
        return Err(ApiError::forbidden());
    }
    let body: RegisterBody = http::json_body(req)?;
    let (credit_code, name, real_name, id_number) = parse_fields!(
        creditCode => body.credit_code.parse::<CreditCode>(),
        name => body.name.parse::<EnterpriseName>(),
        representative_realName => body.representative.real_name.parse::<RealName>(),
        representative_idNumber => body.representative.id_number.parse::<IdNumber>(),
    )?;
    let now = app.clock.now();
    let at = rfc3339(now);
    let enterprise = Enterprise {
        credit_code: credit_code.clone(),
        name: name.clone(),
        registered_at: at.clone(),
        registered_by: actor.staff.id.to_string(),
        helper: None,
    };
    let representative = Membership {
        credit_code: credit_code.clone(),
        enterprise_name: name,
        role: Role::Representative,
        member_name: real_name.masked(),
        until: None,
        granted_at: at,
        revoked_at: None,
    };
    let key = identity_key(&app.identity_key.get().await?, &id_number);
    let audit = app
        .trail
        .item(&actor.record("enterprise.register", format!("enterprise:{credit_code}"), now))?;
    if !app
        .enterprises
        .register(&enterprise, &key, &representative, audit)
        .await?
    {
        return Err(ApiError::code(Code::EnterpriseExists));
    }
    tracing::info!(enterprise = %credit_code, "enterprise registered");
    Ok(http::json_response(
        201,
        &serde_json::json!({
            "creditCode": enterprise.credit_code,
            "name": enterprise.name,
            "registeredAt": enterprise.registered_at,
            "representative": member_view("", &representative, today(app)),
        }),
    ))
}

/// The caller's account and identity key, on a face-verified identity (memberships are the
/// person's: a claimed number must not show whose enterprises it opens).
async fn verified_person(app: &App, req: &Request) -> Result<(store::citizens::Citizen, String), ApiError> {
    let id = app.verifier.citizen(req).await?;
    let citizen = app.citizens.get(&id).await?;
    let held = citizen.as_ref().and_then(|c| c.identity.as_ref()).map(|i| i.level);
    ApiError::unless_identity(held, IdentityLevel::Verified)?;
    let citizen = citizen.ok_or_else(not_authorized)?;
    let key = citizen.id_key.clone().ok_or_else(not_authorized)?;
    Ok((citizen, key))
}

/// `GET /v1/me/enterprises`: every enterprise the caller is or was a member of, and
/// whether they may act for it today. One `Query` of the members' index.
pub async fn mine(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (_, key) = verified_person(app, req).await?;
    let today = today(app);
    let items: Vec<_> = app
        .enterprises
        .of_person(&key)
        .await?
        .into_iter()
        .map(|m| {
            serde_json::json!({
                "creditCode": m.credit_code, "name": m.enterprise_name, "role": m.role,
                "until": m.until, "active": m.active(today),
            })
        })
        .collect();
    http::ok(&serde_json::json!({ "items": items }))
}

/// The enterprise a path names, and the caller's standing with it (members only).
async fn standing(app: &App, req: &Request) -> Result<(CreditCode, Membership, String), ApiError> {
    let code: CreditCode = http::path(req, "code")?;
    let (citizen, _) = verified_person(app, req).await?;
    let (m, key) = membership(&app.enterprises, Some(&citizen), &code, today(app)).await?;
    Ok((code, m, key))
}

/// `GET /v1/enterprises/{code}`: the enterprise and its members, for its members.
pub async fn one(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (code, m, _) = standing(app, req).await?;
    let members = app.enterprises.members(&code).await?;
    let today = today(app);
    let views: Vec<_> = members
        .iter()
        .map(|Member { id, membership }| member_view(id, membership, today))
        .collect();
    http::ok(&serde_json::json!({
        "creditCode": code, "name": m.enterprise_name, "role": m.role, "members": views,
    }))
}

/// The caller as the enterprise's representative, or 403.
async fn representative(app: &App, req: &Request) -> Result<(CreditCode, Membership, String), ApiError> {
    let (code, m, key) = standing(app, req).await?;
    if m.role != Role::Representative {
        return Err(ApiError::with_message(
            Code::EnterpriseNotAuthorized,
            "仅法定代表人可以授权或撤销经办人",
        ));
    }
    Ok((code, m, key))
}

/// `POST /v1/enterprises/{code}/agents`: the representative authorizes an agent until a
/// day, or renews one (a revoked agent authorized again acts again).
pub async fn grant(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (code, rep, rep_key) = representative(app, req).await?;
    let body: GrantBody = http::json_body(req)?;
    let today = today(app);
    let (real_name, id_number, until) = parse_fields!(
        realName => body.real_name.parse::<RealName>(),
        idNumber => body.id_number.parse::<IdNumber>(),
        until => agent_until(&body.until, today),
    )?;
    let agent_key = identity_key(&app.identity_key.get().await?, &id_number);
    if agent_key == rep_key {
        return Err(ApiError::code(Code::AgentConflict));
    }
    let agent = Membership {
        credit_code: code.clone(),
        enterprise_name: rep.enterprise_name,
        role: Role::Agent,
        member_name: real_name.masked(),
        until: Some(until),
        granted_at: rfc3339(app.clock.now()),
        revoked_at: None,
    };
    match app.enterprises.grant(&rep_key, &agent_key, &agent).await? {
        store::tx::Outcome::Done => {}
        o if o.refused(Cond::Representative) => return Err(not_authorized()),
        _ => return Err(ApiError::code(Code::AgentConflict)),
    }
    tracing::info!(enterprise = %code, "agent authorized");
    Ok(http::json_response(201, &member_view(&agent_key, &agent, today)))
}

/// `DELETE /v1/enterprises/{code}/agents/{agentId}`: the representative revokes an agent.
/// Revoking one already revoked answers as the first time did.
pub async fn revoke(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (code, _, rep_key) = representative(app, req).await?;
    let agent: AgentId = http::path(req, "agentId")?;
    let agent = agent.as_str();
    let at = rfc3339(app.clock.now());
    match app.enterprises.revoke(&code, &rep_key, agent, &at).await? {
        store::tx::Outcome::Done => tracing::info!(enterprise = %code, "agent revoked"),
        o if o.refused(Cond::Representative) => return Err(not_authorized()),
        _ => {}
    }
    let m = app
        .enterprises
        .member(&code, agent)
        .await?
        .filter(|m| m.role == Role::Agent && m.revoked_at.is_some())
        .ok_or_else(ApiError::not_found)?;
    http::ok(&member_view(agent, &m, today(app)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HelperBody {
    staff_id: String,
    project: String,
}

/// `PUT /v1/office/enterprises/{code}/helper`: a supervisor (营商环境监管) assigns the
/// enterprise's major project a 帮办员, who follows every application it makes from then
/// on and is told of each step. Replaces any earlier one; audited.
pub async fn assign_helper(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.supervisor(&app.verifier, req).await?;
    let code: CreditCode = http::path(req, "code")?;
    let body: HelperBody = http::json_body(req)?;
    let (staff_id, project) = parse_fields!(
        staffId => body.staff_id.parse::<model::StaffId>(),
        project => model::FreeText::parse(&body.project, 60),
    )?;
    let member = app
        .staff
        .get(&staff_id)
        .await?
        .filter(|m| !m.disabled)
        .ok_or_else(|| ApiError::field("staffId", "工作人员名录中没有这名在岗人员"))?;
    let now = app.clock.now();
    let helper = store::enterprises::Helper {
        staff_id: staff_id.to_string(),
        project,
        assigned_at: rfc3339(now),
        assigned_by: actor.staff.id.to_string(),
    };
    let audit = app
        .trail
        .item(&actor.record("enterprise.assign_helper", format!("enterprise:{code}"), now))?;
    if !app.enterprises.assign_helper(&code, &helper, audit).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(enterprise = %code, helper = %staff_id, "helper assigned");
    http::ok(&serde_json::json!({
        "creditCode": code,
        "helper": {
            "staffId": helper.staff_id, "name": member.name, "project": helper.project,
            "assignedAt": helper.assigned_at,
        },
    }))
}
