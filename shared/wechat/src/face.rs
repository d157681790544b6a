//! WeChat's face verification for government services (人脸核身): what a `verify_result`
//! vouches for, and whether that is this account's person.
//!
//! The mini-program calls `wx.startFacialRecognitionVerify({name, idCardNumber})`; WeChat
//! compares the face with the photo of that ID card and hands back a `verifyResult`. Only
//! the server can read it (`cityservice/face/identify/getinfo`, with the mini-program's
//! access token), and what it reads is a digest of the identity, never the identity: MD5 of
//! the ID number (check character upper case) and of the name in UTF-8. A result counts when
//! the face matched (`identify_ret` 0), it is the account's own WeChat user (`openid`), and
//! both digests are those of the identity being bound.

use crate::server::{Api, CallError, FaceInfo};
use crate::token::{TokenError, Tokens};
use md5::{Digest, Md5};
use model::Identity;

/// Why a `verify_result` does not verify this account's identity.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    /// 84001 / 84003: WeChat knows no such result.
    #[error("wechat does not know the verify_result ({0})")]
    Unknown(i64),
    /// 84002: the result is too old to read.
    #[error("the verify_result expired (84002)")]
    Expired,
    /// The face did not match the ID card's photo, or the person gave up.
    #[error("face verification failed ({0})")]
    Failed(i64),
    /// The result vouches for another user or another identity.
    #[error("the verify_result vouches for someone else")]
    Mismatch,
    #[error("wechat failed for now")]
    Unavailable(#[source] TokenError),
    #[error("wechat refused the call")]
    Refused(#[source] CallError),
}

impl From<TokenError> for FaceError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Wechat(e @ CallError::Refused { .. }) => FaceError::Refused(e),
            e => FaceError::Unavailable(e),
        }
    }
}

impl From<CallError> for FaceError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Refused { errcode: 84002, .. } => FaceError::Expired,
            CallError::Refused {
                errcode: errcode @ (84001 | 84003),
                ..
            } => FaceError::Unknown(errcode),
            CallError::Refused { .. } => FaceError::Refused(e),
            e => FaceError::Unavailable(TokenError::Wechat(e)),
        }
    }
}

/// Reads verify results with the mini-program's access token.
#[derive(Debug)]
pub struct Face {
    api: Api,
    tokens: Tokens,
}

impl Face {
    pub fn new(api: Api, tokens: Tokens) -> Self {
        Self { api, tokens }
    }

    /// Whether `verify_result` vouches that the WeChat user `openid` is the person of
    /// `identity`. A token WeChat refuses is dropped and the call made once more.
    pub async fn check(&self, verify_result: &str, openid: &str, identity: &Identity) -> Result<(), FaceError> {
        let token = self.tokens.get().await?;
        let info = match self.api.face_info(&token, verify_result).await {
            Err(CallError::Token(_)) => {
                self.tokens.refused(&token).await?;
                let fresh = self.tokens.get().await?;
                self.api.face_info(&fresh, verify_result).await?
            }
            other => other?,
        };
        vouches(&info, openid, identity)
    }
}

/// The digest WeChat reports an identity field by: lower-case hex MD5.
pub fn digest(text: &str) -> String {
    model::random::hex(&Md5::digest(text.as_bytes()))
}

fn vouches(info: &FaceInfo, openid: &str, identity: &Identity) -> Result<(), FaceError> {
    if info.identify_ret != 0 {
        return Err(FaceError::Failed(info.identify_ret));
    }
    let same = info.openid == openid
        && info
            .id_card_number_md5
            .eq_ignore_ascii_case(&digest(identity.id_number.expose()))
        && info
            .name_utf8_md5
            .eq_ignore_ascii_case(&digest(identity.real_name.expose()));
    if same { Ok(()) } else { Err(FaceError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity {
            real_name: "张三".parse().unwrap(),
            id_number: "11010519491231002X".parse().unwrap(),
            phone: "13812345678".parse().unwrap(),
        }
    }

    fn info(ret: i64, openid: &str, id: &str, name: &str) -> FaceInfo {
        FaceInfo {
            identify_ret: ret,
            openid: openid.into(),
            id_card_number_md5: digest(id),
            name_utf8_md5: digest(name),
            finish_time: 0,
        }
    }

    #[test]
    fn the_digest_is_md5_in_lower_case_hex() {
        assert_eq!(digest(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(digest("张三"), "615db57aa314529aaa0fbe95b3e95bd3");
    }

    #[test]
    fn a_matched_face_of_this_user_and_this_identity_vouches() {
        assert!(vouches(&info(0, "o1", "11010519491231002X", "张三"), "o1", &identity()).is_ok());
    }

    #[test]
    fn another_user_another_number_or_another_name_does_not() {
        for wrong in [
            info(0, "o2", "11010519491231002X", "张三"),
            info(0, "o1", "440524188001010014", "张三"),
            info(0, "o1", "11010519491231002X", "李四"),
        ] {
            assert!(matches!(vouches(&wrong, "o1", &identity()), Err(FaceError::Mismatch)));
        }
    }

    #[test]
    fn a_face_that_did_not_match_fails_with_wechats_code() {
        let failed = vouches(&info(10004, "o1", "11010519491231002X", "张三"), "o1", &identity());
        assert!(matches!(failed, Err(FaceError::Failed(10004))));
    }
}
