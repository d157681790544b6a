//! A rating as a citizen gives it (好差评): the body, checked, and how the citizen sees their
//! review.

use api::ApiError;
use model::evaluation::{self, Channel, FollowUp, Rating, Review};
use model::{FieldErrors, FreeText, Invalid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateBody {
    rating: i64,
    /// Values are read by hand, so a key the client chose never reaches an error's path.
    #[serde(default)]
    indicators: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    anonymous: bool,
}

/// What the citizen sees of their review.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnView<'a> {
    id: &'a str,
    channel: Channel,
    subject_name: &'a str,
    rating: u8,
    indicators: &'a BTreeMap<String, u8>,
    tags: &'a [String],
    comment: Option<&'a FreeText>,
    anonymous: bool,
    status: &'static str,
    created_at: &'a str,
    follow_up: Option<&'a FollowUp>,
    /// The enterprise the service was for (法人).
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise: Option<&'a model::enterprise::Acting>,
}

impl<'a> From<&'a Review> for OwnView<'a> {
    fn from(r: &'a Review) -> Self {
        OwnView {
            id: r.id.as_str(),
            channel: r.channel,
            subject_name: &r.subject_name,
            rating: r.rating,
            indicators: &r.indicators,
            tags: &r.tags,
            comment: r.comment.as_ref(),
            anonymous: r.anonymous,
            status: r.status.as_str(),
            created_at: &r.created_at,
            follow_up: r.follow_up.as_ref(),
            enterprise: r.enterprise.as_ref(),
        }
    }
}

/// A comment: at most 500 characters, nothing hidden in it.
pub(crate) fn comment(raw: Option<&str>) -> Result<Option<FreeText>, Invalid> {
    FreeText::optional(raw, 500).map_err(|_| Invalid::new("评价内容不超过500字，且不含不可见字符"))
}

/// A rating as the body gives it, checked against the channel's national indicators and the
/// tags its level offers; every problem named at once.
pub fn check(body: &RateBody, channel: Channel) -> Result<Rating, ApiError> {
    let mut errors = FieldErrors::default();
    let rating = u8::try_from(body.rating).ok().filter(|r| evaluation::valid_rating(*r));
    if rating.is_none() {
        errors.add("rating", "评分应为1-5的整数");
    }
    // Problems are reported under the indicator's own (national) name, or as `indicators`
    // for a name that is not one: a key the client chose is never quoted back.
    let mut indicators = BTreeMap::new();
    for (name, value) in &body.indicators {
        let Some(known) = channel.indicators().iter().find(|i| **i == name.as_str()) else {
            errors.add(
                "indicators",
                format!("含有不支持的指标，指标应为{}之一", channel.indicators().join("、")),
            );
            continue;
        };
        match value
            .as_u64()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| evaluation::valid_rating(*v))
        {
            Some(v) => {
                indicators.insert((*known).to_owned(), v);
            }
            None => errors.add(&format!("indicators.{known}"), "评分应为1-5的整数"),
        }
    }
    if let Some(r) = rating {
        let offered = evaluation::tags(r);
        if body.tags.len() > offered.len() || body.tags.iter().any(|t| !offered.contains(&t.as_str())) {
            errors.add("tags", format!("该评分可选标签：{}", offered.join("、")));
        } else if body
            .tags
            .iter()
            .enumerate()
            .any(|(i, t)| body.tags.iter().take(i).any(|o| o == t))
        {
            errors.add("tags", "标签不能重复");
        }
    }
    let comment = errors.check("comment", comment(body.comment.as_deref()));
    let (rating, comment) = errors.done(rating.zip(comment))?;
    Ok(Rating {
        rating,
        indicators,
        tags: body.tags.clone(),
        comment,
        anonymous: body.anonymous,
    })
}
