//! `seed`: the demo catalog (`tools/data/demo-catalog.json`) written to the catalog table,
//! and the demo staff directory beside it.

use model::catalog::Catalog;
use model::staff::{Member, StaffRole};
use model::{DeptCode, HallId, StaffId};
use store::catalog::CatalogStore;
use store::staff::{StaffStore, Written};

/// The hall the demo's window clerk and hall manager work at.
pub const DEMO_HALL: &str = "spb-center";

/// The demo catalog compiled into the CLI, so seeding needs no path.
pub const DEMO_CATALOG: &str = include_str!("../data/demo-catalog.json");

/// Parses and cross-checks a catalog file.
pub fn parse(text: &str) -> Result<Catalog, String> {
    let catalog: Catalog = serde_json::from_str(text).map_err(|e| format!("catalog file: {e}"))?;
    catalog.check()?;
    Ok(catalog)
}

/// Writes the catalog; returns how many records were written.
pub async fn seed(store: &CatalogStore, catalog: &Catalog) -> Result<usize, String> {
    store
        .put_catalog(catalog)
        .await
        .map_err(|e| format!("{e}: {:?}", std::error::Error::source(&e).map(ToString::to_string)))
}

/// The demo directory (API.md, "Local development, office side"): `admin`, `jiancha`
/// (supervisor), `dating` (hall manager of spb-center), `paidan` (the 咨询投诉 dispatch
/// desk), `chuangkou` (window staff of
/// spb-center's comprehensive windows, which serve several departments), and one approver per
/// department, named by the department's code in lower case (`rsj`, `scjg`, …). Each id is
/// derived from the WeCom user id ([`StaffId::derived`]), so the CLI can mint their tokens.
pub fn demo_directory(catalog: &Catalog, at: &str) -> Result<Vec<Member>, String> {
    let hall: HallId = DEMO_HALL.parse().map_err(|e| format!("{e}"))?;
    let center = catalog
        .halls
        .iter()
        .find(|h| h.hall_id == hall)
        .ok_or("the demo catalog has no spb-center")?;
    let windows = center
        .windows
        .iter()
        .filter(|w| w.comprehensive)
        .map(|w| model::staff::WindowId::new(&hall, &w.code))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let member = |user: &str, name: &str, roles: Vec<StaffRole>, dept: Option<DeptCode>| -> Result<Member, String> {
        let hall_scoped = roles.contains(&StaffRole::Window) || roles.contains(&StaffRole::HallManager);
        let mut m = Member {
            id: StaffId::derived(user),
            wecom_user_id: user.parse().map_err(|e| format!("{user}: {e}"))?,
            name: name.to_owned(),
            dept_code: dept,
            hall_ids: if hall_scoped { vec![hall.clone()] } else { Vec::new() },
            window_ids: if roles.contains(&StaffRole::Window) {
                windows.clone()
            } else {
                Vec::new()
            },
            roles,
            disabled: false,
            version: 1,
            created_at: at.to_owned(),
            updated_at: at.to_owned(),
        };
        m.check().map_err(|e| format!("{user}: {:?}", e.reasons()))?;
        Ok(m)
    };
    let mut all = vec![
        member("admin", "名录管理员", vec![StaffRole::Admin], None)?,
        member("jiancha", "监察专员", vec![StaffRole::Supervisor], None)?,
        member("dating", "大厅值班长", vec![StaffRole::HallManager], None)?,
        member("paidan", "咨询投诉派单员", vec![StaffRole::Dispatcher], None)?,
        member("chuangkou", "综合窗口一", vec![StaffRole::Window], None)?,
    ];
    all.push(station_agent(catalog, at)?);
    for d in &catalog.departments {
        let user = d.code.as_str().to_lowercase();
        all.push(member(
            &user,
            &format!("{}审批员", d.name),
            vec![StaffRole::Approver],
            Some(d.code.clone()),
        )?);
    }
    Ok(all)
}

/// `daiban`: the 代办员 of 月台村便民服务站, who applies for its villagers from its window.
fn station_agent(catalog: &Catalog, at: &str) -> Result<Member, String> {
    let hall: HallId = "tuzhu-yuetai".parse().map_err(|e| format!("{e}"))?;
    let station = catalog
        .halls
        .iter()
        .find(|h| h.hall_id == hall)
        .ok_or("the demo catalog has no tuzhu-yuetai")?;
    let windows = station
        .windows
        .iter()
        .map(|w| model::staff::WindowId::new(&hall, &w.code))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let mut m = Member {
        id: StaffId::derived("daiban"),
        wecom_user_id: "daiban".parse().map_err(|e| format!("daiban: {e}"))?,
        name: "月台村代办员".to_owned(),
        dept_code: None,
        hall_ids: vec![hall],
        window_ids: windows,
        roles: vec![StaffRole::Agent],
        disabled: false,
        version: 1,
        created_at: at.to_owned(),
        updated_at: at.to_owned(),
    };
    m.check().map_err(|e| format!("daiban: {:?}", e.reasons()))?;
    Ok(m)
}

/// Writes the demo directory; members already there are left as they are.
pub async fn seed_staff(store: &StaffStore, members: &[Member]) -> Result<usize, String> {
    let mut written = 0;
    for m in members {
        match store.write(m, None, None, None, jiff::Timestamp::now()).await {
            Ok(Written::Done) => written += 1,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "{e}: {:?}",
                    std::error::Error::source(&e).map(ToString::to_string)
                ));
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_catalog_is_consistent_and_district_sized() {
        let c = super::parse(super::DEMO_CATALOG).unwrap();
        assert!(c.departments.len() >= 8);
        assert!(c.items.len() >= 30);
        assert!(c.packages.len() >= 3);
        assert!(c.packages.iter().all(|p| p.dept_codes.len() >= 2));
        assert!(
            c.items
                .iter()
                .any(|i| i.identity_level == model::IdentityLevel::Verified)
        );
        // 就近办: the district's two halls, a town centre under it and two stations under that.
        let levels: Vec<_> = c.halls.iter().map(|h| h.level.as_str()).collect();
        assert_eq!(levels, ["district", "district", "town", "community", "community"]);
        assert!(c.halls.iter().all(|h| h.location.is_some()));
        assert!(c.halls.iter().all(|h| h.windows.iter().any(|w| w.comprehensive)));
        // 企业开办 in one day: the founder's 一件事 of four departments, every step online.
        let kaiban = c
            .packages
            .iter()
            .find(|p| p.name.contains("企业开办"))
            .expect("企业开办 is in the catalog");
        assert_eq!(kaiban.audience, model::catalog::Audience::Founder);
        let steps: Vec<_> = c.items.iter().filter(|i| kaiban.item_codes.contains(&i.code)).collect();
        assert_eq!(steps.len(), 4);
        assert!(
            steps
                .iter()
                .all(|i| i.promised_days <= 1 && i.materials.iter().all(|m| !m.required))
        );
        assert!(
            steps
                .iter()
                .all(|i| i.online_level == model::catalog::OnlineLevel::FullOnline)
        );
    }

    #[test]
    fn the_demo_directory_has_each_role_api_md_names() {
        let c = super::parse(super::DEMO_CATALOG).unwrap();
        let d = super::demo_directory(&c, "2026-12-02T08:00:00+08:00").unwrap();
        let users: Vec<&str> = d.iter().map(|m| m.wecom_user_id.as_str()).collect();
        for u in [
            "admin",
            "jiancha",
            "dating",
            "paidan",
            "chuangkou",
            "daiban",
            "rsj",
            "scjg",
        ] {
            assert!(users.contains(&u), "{u}");
        }
        assert_eq!(d.len(), 6 + c.departments.len());
        let chuangkou = d.iter().find(|m| m.wecom_user_id.as_str() == "chuangkou").unwrap();
        assert!(chuangkou.window_ids.len() >= 2, "windows serving several departments");
    }
}
