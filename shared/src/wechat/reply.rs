//! Passive replies to official-account pushes: a text message as XML, and the same sealed
//! for safe mode (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce`).
//!
//! Values go inside CDATA sections; a `]]>` in a value would end the section early, so it
//! is split across two sections, which is how XML spells it.

use super::crypto::{MessageCrypto, signature};

/// The body that tells WeChat "received, nothing to say".
pub const SUCCESS: &str = "success";

fn cdata(value: &str) -> String {
    format!("<![CDATA[{}]]>", value.replace("]]>", "]]]]><![CDATA[>"))
}

/// A text reply from the account (`from`, the push's ToUserName) to the user (`to`).
pub fn text(to: &str, from: &str, create_time: i64, content: &str) -> String {
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{create_time}</CreateTime>\
         <MsgType>{}</MsgType><Content>{}</Content></xml>",
        cdata(to),
        cdata(from),
        cdata("text"),
        cdata(content)
    )
}

/// A reply sealed for safe mode: encrypted, then signed with the account's token.
pub fn seal(
    crypto: &MessageCrypto,
    token: &str,
    reply: &str,
    timestamp: &str,
    nonce: &str,
    random: [u8; 16],
) -> String {
    let encrypted = crypto.encrypt(reply, random);
    let msg_signature = signature(&[token, timestamp, nonce, &encrypted]);
    format!(
        "<xml><Encrypt>{}</Encrypt><MsgSignature>{}</MsgSignature><TimeStamp>{timestamp}</TimeStamp>\
         <Nonce>{}</Nonce></xml>",
        cdata(&encrypted),
        cdata(&msg_signature),
        cdata(nonce)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::message::Message;

    #[test]
    fn a_reply_holding_a_cdata_terminator_reads_back_unchanged() {
        let xml = text("oUser", "gh_account", 1_700_000_000, "a ]]> b <c>");
        let msg = Message::from_xml(&xml).unwrap();
        assert_eq!(msg.get("Content"), Some("a ]]> b <c>"));
        assert_eq!(msg.get("ToUserName"), Some("oUser"));
    }

    #[test]
    fn a_sealed_reply_verifies_and_decrypts_to_the_reply() {
        let c = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap();
        let sealed = seal(&c, "pamtest", "<xml>hi</xml>", "1409304348", "xxxxxx", [9; 16]);
        let msg = Message::from_xml(&sealed).unwrap();
        let enc = msg.get("Encrypt").unwrap();
        assert!(crate::wechat::crypto::verify(
            msg.get("MsgSignature").unwrap(),
            &["pamtest", "1409304348", "xxxxxx", enc]
        ));
        assert_eq!(c.decrypt(enc).unwrap(), "<xml>hi</xml>");
    }
}
