//! Every item of every table, read back: a refused request must have written nothing.

use crate::TestApp;
use std::collections::BTreeMap;

impl TestApp {
    /// Fails, listing what changed, unless the tables hold exactly what `before` recorded.
    pub async fn assert_unchanged(&self, before: &[String]) {
        let after = self.dump().await;
        let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
        let removed: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
        assert!(
            added.is_empty() && removed.is_empty(),
            "written: {added:#?}\nremoved: {removed:#?}"
        );
    }

    /// Every item of every table, sorted: for checking that a refused request wrote nothing.
    pub async fn dump(&self) -> Vec<String> {
        let mut all = Vec::new();
        for name in self.tables.values() {
            let mut start = None;
            loop {
                let out = self
                    .dynamo
                    .scan()
                    .table_name(name)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .expect("scan");
                for item in out.items.unwrap_or_default() {
                    let sorted: BTreeMap<_, _> = item.into_iter().map(|(k, v)| (k, canonical(&v))).collect();
                    all.push(format!("{name} {sorted:?}"));
                }
                start = out.last_evaluated_key;
                if start.is_none() {
                    break;
                }
            }
        }
        all.sort();
        all
    }
}

/// An attribute value as text with map keys in order, so two reads of one item compare equal.
fn canonical(v: &aws_sdk_dynamodb::types::AttributeValue) -> String {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    match v {
        A::M(m) => {
            let sorted: BTreeMap<_, _> = m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect();
            format!("M{sorted:?}")
        }
        A::L(l) => format!("L{:?}", l.iter().map(canonical).collect::<Vec<_>>()),
        A::Ss(s) | A::Ns(s) => {
            let mut s = s.clone();
            s.sort();
            format!("{s:?}")
        }
        other => format!("{other:?}"),
    }
}
