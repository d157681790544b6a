//! Inbound push messages: WeChat's XML (official account and mini-program) and the
//! mini-program's JSON, read into one flat shape and then into a typed [`Inbound`].
//!
//! WeChat's messages are flat: `<xml><ToUserName>…</ToUserName>…</xml>`, except that some
//! events carry a list (`<SubscribeMsgPopupEvent><List>…</List><List>…</List>`, or in JSON
//! `"List": {…}` or `"List": [{…}]`). So a message is its leaf fields plus its list entries.
//!
//! XML is read by [`xml`] (which refuses document types and entities), JSON by [`json`].

mod json;
mod xml;

use std::borrow::Cow;

/// Nesting deeper than WeChat ever sends (`xml` > event > `List` > field is 4).
const MAX_DEPTH: usize = 6;
/// Far more fields and list entries than any message has; bounds the work a hostile body
/// can cause.
const MAX_FIELDS: usize = 256;
const MAX_ENTRIES: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the XML declares a document type")]
    DocType,
    #[error("the XML uses an entity that is not predefined: {0}")]
    Entity(String),
    #[error("the body is not well-formed: {0}")]
    Syntax(String),
    #[error("the body nests too deeply or holds too many fields")]
    TooComplex,
    #[error("the body is not a single object or element")]
    Shape,
    #[error("the message lacks {0}")]
    Missing(&'static str),
    #[error("the message's {0} is malformed")]
    Malformed(&'static str),
}

/// A message's fields (or one list entry's), in the order sent. Names WeChat uses are
/// static strings and values borrow from the body where they can, so reading a push
/// allocates little: the callback's hot path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields<'a>(Vec<(Cow<'static, str>, Cow<'a, str>)>);

impl<'a> Fields<'a> {
    /// The first value of `field`: a repeated field cannot override a checked one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == field).map(|(_, v)| v.as_ref())
    }

    fn push(&mut self, name: Cow<'static, str>, value: Cow<'a, str>) -> Result<(), ParseError> {
        if self.0.len() >= MAX_FIELDS {
            return Err(ParseError::TooComplex);
        }
        self.0.push((name, value));
        Ok(())
    }

    fn into_owned(self) -> Fields<'static> {
        Fields(
            self.0
                .into_iter()
                .map(|(k, v)| (k, Cow::Owned(v.into_owned())))
                .collect(),
        )
    }
}

/// The element names of WeChat's messages, so the common ones need no allocation.
fn name_of(raw: &str) -> Cow<'static, str> {
    Cow::Borrowed(match raw {
        "xml" => "xml",
        "ToUserName" => "ToUserName",
        "FromUserName" => "FromUserName",
        "CreateTime" => "CreateTime",
        "MsgType" => "MsgType",
        "Content" => "Content",
        "MsgId" => "MsgId",
        "MsgID" => "MsgID",
        "Event" => "Event",
        "EventKey" => "EventKey",
        "Encrypt" => "Encrypt",
        "List" => "List",
        "TemplateId" => "TemplateId",
        "SubscribeStatusString" => "SubscribeStatusString",
        "PopupScene" => "PopupScene",
        "ErrorCode" => "ErrorCode",
        "ErrorStatus" => "ErrorStatus",
        "Status" => "Status",
        other => return Cow::Owned(other.to_owned()),
    })
}

/// A message's fields and list entries, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message<'a> {
    fields: Fields<'a>,
    list: Vec<Fields<'a>>,
}

impl<'a> Message<'a> {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field)
    }

    pub fn list(&self) -> &[Fields<'a>] {
        &self.list
    }

    /// The same message, owning its text.
    pub fn into_owned(self) -> Message<'static> {
        Message {
            fields: self.fields.into_owned(),
            list: self.list.into_iter().map(Fields::into_owned).collect(),
        }
    }

    /// A WeChat XML message; its text borrows from `body` where it can.
    pub fn from_xml(body: &'a str) -> Result<Self, ParseError> {
        xml::read(body)
    }

    /// A mini-program JSON message.
    pub fn from_json(body: &str) -> Result<Message<'static>, ParseError> {
        json::read(body)
    }

    fn leaf(
        &mut self,
        entry: &mut Option<(usize, Fields<'a>)>,
        name: Cow<'static, str>,
        text: Cow<'a, str>,
    ) -> Result<(), ParseError> {
        match entry {
            Some((_, fields)) => fields.push(name, text),
            None => self.fields.push(name, text),
        }
    }
}

/// One template's answer in a subscription pop-up or settings change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub template_id: String,
    pub accepted: bool,
}

/// The outcome WeChat reports for one message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub msg_id: String,
    /// `success`, or WeChat's failure text (`failed:user block`, …).
    pub status: String,
}

/// What a push means to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Text(String),
    Subscribe,
    Unsubscribe,
    /// `TEMPLATESENDJOBFINISH` (official account) and `subscribe_msg_sent_event` (mini-program).
    Delivered(Vec<Delivery>),
    /// `subscribe_msg_popup_event` and `subscribe_msg_change_event`.
    Subscriptions(Vec<Choice>),
    Other,
}

/// A push, its sender and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: String,
    pub to: String,
    pub create_time: i64,
    pub msg_id: Option<String>,
    pub event: Option<String>,
    pub body: Inbound,
}

impl Envelope {
    pub fn read(msg: &Message<'_>) -> Result<Self, ParseError> {
        let from = msg
            .get("FromUserName")
            .filter(|s| !s.is_empty())
            .ok_or(ParseError::Missing("FromUserName"))?;
        let to = msg.get("ToUserName").unwrap_or_default();
        let create_time = msg
            .get("CreateTime")
            .ok_or(ParseError::Missing("CreateTime"))?
            .trim()
            .parse::<i64>()
            .map_err(|_| ParseError::Malformed("CreateTime"))?;
        let msg_id = msg.get("MsgId").or_else(|| msg.get("MsgID")).map(str::to_owned);
        let event = msg.get("Event").map(str::to_owned);
        let body = match (msg.get("MsgType"), event.as_deref()) {
            (Some("text"), _) => Inbound::Text(msg.get("Content").unwrap_or_default().to_owned()),
            (Some("event"), Some("subscribe")) => Inbound::Subscribe,
            (Some("event"), Some("unsubscribe")) => Inbound::Unsubscribe,
            (Some("event"), Some("TEMPLATESENDJOBFINISH")) => Inbound::Delivered(vec![Delivery {
                msg_id: msg_id.clone().ok_or(ParseError::Missing("MsgID"))?,
                status: msg.get("Status").unwrap_or_default().to_owned(),
            }]),
            (Some("event"), Some("subscribe_msg_sent_event")) => Inbound::Delivered(
                msg.list()
                    .iter()
                    .filter_map(|e| {
                        let status = match e.get("ErrorCode") {
                            Some("0") | None => "success".to_owned(),
                            Some(code) => format!("failed:{code} {}", e.get("ErrorStatus").unwrap_or_default()),
                        };
                        Some(Delivery {
                            msg_id: e.get("MsgID")?.to_owned(),
                            status,
                        })
                    })
                    .collect(),
            ),
            (Some("event"), Some("subscribe_msg_popup_event" | "subscribe_msg_change_event")) => {
                Inbound::Subscriptions(
                    msg.list()
                        .iter()
                        .filter_map(|e| {
                            Some(Choice {
                                template_id: e.get("TemplateId")?.to_owned(),
                                accepted: e.get("SubscribeStatusString").is_some_and(|s| s == "accept"),
                            })
                        })
                        .collect(),
                )
            }
            _ => Inbound::Other,
        };
        Ok(Self {
            from: from.to_owned(),
            to: to.to_owned(),
            create_time,
            msg_id,
            event,
            body,
        })
    }

    /// What makes a push unique across WeChat's retries: the MsgId of a message, the sender,
    /// time and event of an event (two events of one sender in one second differ by name).
    pub fn dedupe_key(&self) -> String {
        match (&self.msg_id, &self.event) {
            (Some(id), None) => format!("msg#{id}"),
            (_, event) => format!(
                "evt#{}#{}#{}",
                self.from,
                self.create_time,
                event.as_deref().unwrap_or("")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_popup_event_reads_the_same_from_xml_and_from_json_with_one_or_many_entries() {
        let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName>\
            <CreateTime>1620963428</CreateTime><MsgType><![CDATA[event]]></MsgType>\
            <Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>\
            <List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString></List>\
            <List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List>\
            </SubscribeMsgPopupEvent></xml>";
        let json_many = r#"{"ToUserName":"gh_1","FromUserName":"oU","CreateTime":"1620963428","MsgType":"event",
            "Event":"subscribe_msg_popup_event","List":[{"TemplateId":"T1","SubscribeStatusString":"accept"},
            {"TemplateId":"T2","SubscribeStatusString":"reject"}]}"#;
        let json_one = r#"{"FromUserName":"oU","CreateTime":1620963428,"MsgType":"event",
            "Event":"subscribe_msg_popup_event","List":{"TemplateId":"T1","SubscribeStatusString":"accept"}}"#;
        let a = Envelope::read(&Message::from_xml(xml).unwrap()).unwrap();
        let b = Envelope::read(&Message::from_json(json_many).unwrap()).unwrap();
        let c = Envelope::read(&Message::from_json(json_one).unwrap()).unwrap();
        assert_eq!(a.body, b.body);
        assert_eq!(a.create_time, c.create_time);
        let Inbound::Subscriptions(choices) = &a.body else {
            panic!("{a:?}")
        };
        assert_eq!(choices.len(), 2);
        assert!(choices[0].accepted && !choices[1].accepted);
        assert_eq!(c.body, Inbound::Subscriptions(vec![choices[0].clone()]));
    }

    #[test]
    fn doctypes_and_unknown_entities_are_refused_and_predefined_ones_are_read() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><xml><Content>&lol;</Content></xml>";
        assert_eq!(Message::from_xml(bomb), Err(ParseError::DocType));
        let entity = "<xml><Content>&lol;</Content></xml>";
        assert!(matches!(Message::from_xml(entity), Err(ParseError::Entity(_))));
        let fine = "<xml><Content>a &amp; b &#x4F60;</Content></xml>";
        assert_eq!(Message::from_xml(fine).unwrap().get("Content"), Some("a & b 你"));
        assert_eq!(Message::from_xml("<xml><a>1</a></xml><xml/>"), Err(ParseError::Shape));
        assert!(Message::from_xml("<xml><a>1</b></xml>").is_err());
        let deep = format!("<xml>{}{}</xml>", "<a>".repeat(10), "</a>".repeat(10));
        assert_eq!(Message::from_xml(&deep), Err(ParseError::TooComplex));
    }
}
