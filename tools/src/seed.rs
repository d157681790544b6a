//! `seed`: the demo catalog (`tools/data/demo-catalog.json`) written to the catalog table.

use model::catalog::Catalog;
use store::catalog::CatalogStore;

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

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_catalog_is_consistent_and_district_sized() {
        let c = super::parse(super::DEMO_CATALOG).unwrap();
        assert!(c.departments.len() >= 8);
        assert!(c.items.len() >= 30);
        assert!(c.packages.len() >= 3);
        assert!(c.packages.iter().all(|p| p.dept_codes.len() >= 2));
        assert_eq!(c.halls.len(), 2);
        assert!(c.halls.iter().all(|h| h.windows.iter().any(|w| w.comprehensive)));
        let kaiban = c
            .items
            .iter()
            .find(|i| i.name.contains("企业开办"))
            .expect("企业开办 is in the catalog");
        assert_eq!(kaiban.promised_days, 1);
        assert!(kaiban.materials.iter().all(|m| !m.required));
        assert_eq!(kaiban.online_level, model::catalog::OnlineLevel::FullOnline);
    }
}
