//! What an application is for, read from the catalog with the applicant in one batch: an
//! item, or a 一件事 package and its items.

use crate::App;
use api::ApiError;
use model::application::Subject;
use model::catalog::{Hall, Item, OnlineLevel};
use model::{CitizenId, HallId, ItemCode, PackageCode};
use store::citizens::Citizen;

/// The code an application names: exactly one of `itemCode` and `packageCode`.
pub enum Named {
    Item(ItemCode),
    Package(PackageCode),
}

impl Named {
    pub fn parse(item: Option<&str>, package: Option<&str>) -> Result<Self, ApiError> {
        match (item, package) {
            (Some(i), None) => Ok(Named::Item(
                i.parse().map_err(|e: model::Invalid| ApiError::field("itemCode", e))?,
            )),
            (None, Some(p)) => Ok(Named::Package(
                p.parse()
                    .map_err(|e: model::Invalid| ApiError::field("packageCode", e))?,
            )),
            _ => Err(ApiError::field("itemCode", "itemCode与packageCode须且只须提供一个")),
        }
    }

    fn field(&self) -> &'static str {
        match self {
            Named::Item(_) => "itemCode",
            Named::Package(_) => "packageCode",
        }
    }
}

/// Who reads a subject: a citizen applying online (their account is read with it), or a
/// window taking an application in (the halls of its windows are read with it: what the
/// windows serve, and items done only in the hall are theirs to take in).
pub enum Reader<'a> {
    Citizen(&'a CitizenId),
    Window(&'a [HallId]),
}

/// What the batch found beside the subject.
pub struct Read {
    pub citizen: Option<Citizen>,
    pub halls: Vec<Hall>,
    pub subject: Subject,
}

/// The applicant and what they apply for: one batch for the citizen (or the window's halls)
/// and the item or package, and for a package a second for its items.
pub async fn read(app: &App, reader: Reader<'_>, named: &Named) -> Result<Read, ApiError> {
    let mut batch = app.catalog.batch();
    let (who, halls) = match reader {
        Reader::Citizen(citizen) => (Some(app.citizens.citizen_in(&mut batch, citizen)), Vec::new()),
        Reader::Window(halls) => (None, halls.iter().map(|h| app.catalog.hall_in(&mut batch, h)).collect()),
    };
    let missing = || ApiError::field(named.field(), "目录中没有这个编码");
    let subject = match named {
        Named::Item(code) => {
            let item = app.catalog.item_in(&mut batch, code);
            let mut got = batch.send("reading the applicant and the item").await?;
            let who = take_all(&mut got, who, halls)?;
            let item = got.take(item)?.ok_or_else(missing)?;
            (
                who,
                Subject {
                    kind: "item",
                    code: item.code.to_string(),
                    name: item.name.clone(),
                    form: item.application_form(),
                    audience: item.audience,
                    items: vec![item],
                },
            )
        }
        Named::Package(code) => {
            let package = app.catalog.package_in(&mut batch, code);
            let mut got = batch.send("reading the applicant and the package").await?;
            let who = take_all(&mut got, who, halls)?;
            let package = got.take(package)?.ok_or_else(missing)?;
            let mut batch = app.catalog.batch();
            let tickets: Vec<_> = package
                .item_codes
                .iter()
                .map(|c| app.catalog.item_in(&mut batch, c))
                .collect();
            let mut got = batch.send("reading a package's items").await?;
            let mut items: Vec<Item> = Vec::new();
            for ticket in tickets {
                items.push(got.take(ticket)?.ok_or_else(|| {
                    ApiError::internal("a package names a missing item", std::io::Error::other("missing"))
                })?);
            }
            (
                who,
                Subject {
                    kind: "package",
                    code: package.code.to_string(),
                    name: package.name,
                    form: package.form,
                    audience: package.audience,
                    items,
                },
            )
        }
    };
    let ((citizen, halls), subject) = subject;
    let online = matches!(reader, Reader::Citizen(_));
    if online && subject.items.iter().any(|i| i.online_level == OnlineLevel::Offline) {
        return Err(ApiError::field(named.field(), "该事项须到大厅办理，不能网上申报"));
    }
    Ok(Read {
        citizen,
        halls,
        subject,
    })
}

type Found = (Option<Citizen>, Vec<Hall>);

/// The citizen and the halls out of a batch's answers.
fn take_all(
    got: &mut store::batch::Got,
    who: Option<store::batch::Ticket<Citizen>>,
    halls: Vec<store::batch::Ticket<Hall>>,
) -> Result<Found, ApiError> {
    let citizen = who.map(|t| got.take(t)).transpose()?.flatten();
    let mut found = Vec::new();
    for h in halls {
        found.extend(got.take(h)?);
    }
    Ok((citizen, found))
}
