//! The X-Ray daemon's end of the wire: one UDP datagram per subsegment, a JSON header line
//! and then the document.

use model::config::Env;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;

/// The daemon Lambda runs beside the function, and a socket to it.
#[derive(Debug, Clone)]
pub struct Daemon {
    socket: Arc<UdpSocket>,
    address: SocketAddr,
}

impl Daemon {
    /// The daemon at `AWS_XRAY_DAEMON_ADDRESS` (`host:port`, or `tcp:… udp:…`), which Lambda
    /// sets when tracing is on; `None` without one, or when no socket can be opened (tracing
    /// is never worth failing a cold start over).
    pub fn from_env(env: &Env) -> Option<Self> {
        let raw = env.optional("AWS_XRAY_DAEMON_ADDRESS")?;
        let udp = raw
            .split_whitespace()
            .find_map(|part| part.strip_prefix("udp:"))
            .unwrap_or(raw);
        Self::at(udp.parse().ok()?)
    }

    /// A daemon listening at `address`.
    pub fn at(address: SocketAddr) -> Option<Self> {
        let local: SocketAddr = if address.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        let socket = UdpSocket::bind(local).ok()?;
        // A full buffer drops the datagram rather than making the request wait.
        socket.set_nonblocking(true).ok()?;
        Some(Self {
            socket: Arc::new(socket),
            address,
        })
    }

    pub(super) fn send(&self, document: &serde_json::Value) {
        let datagram = format!("{{\"format\":\"json\",\"version\":1}}\n{document}");
        if let Err(e) = self.socket.send_to(datagram.as_bytes(), self.address) {
            tracing::debug!(error = %e, "a trace subsegment was not sent");
        }
    }
}

/// A subsegment id: 64 random bits as 16 hex digits.
pub(super) fn segment_id() -> String {
    let mut bytes = [0u8; 8];
    // The system's generator cannot fail on Lambda's Linux; a zero id would still be sent.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
