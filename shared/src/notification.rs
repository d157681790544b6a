//! Notifications: what a citizen is told, by which kind of message, about what. Each is
//! written to the outbox in the same transaction as the change it announces (see the store's
//! `outbox`), and its id derives from its cause, so one change never queues it twice.

use crate::CitizenId;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BookingConfirmed,
    BookingReminder,
    ApplicationAccepted,
    CorrectionRequired,
    ApplicationCompleted,
    ApplicationRejected,
    EvaluationInvitation,
    ReviewOutcome,
    NumberCalled,
    ApplicationDenied,
    ResultDelivered,
    FeedbackUpdate,
    /// A booking was cancelled (by its owner): the seat is free.
    BookingCancelled,
    /// Repeated no-shows stopped the person booking until a date.
    BookingRestricted,
    /// The account's real-name identity changed: verified, or released to its face-verified owner.
    IdentityChange,
    /// A community station's staff prepared an application for the citizen (代办): it is
    /// submitted only if they confirm it in the mini-program before it expires.
    ConsentRequest,
    /// A step of an application made for an enterprise, told to its 帮办员 through WeCom.
    HelperUpdate,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::BookingConfirmed => "booking_confirmed",
            Kind::BookingReminder => "booking_reminder",
            Kind::ApplicationAccepted => "application_accepted",
            Kind::CorrectionRequired => "correction_required",
            Kind::ApplicationCompleted => "application_completed",
            Kind::ApplicationRejected => "application_rejected",
            Kind::EvaluationInvitation => "evaluation_invitation",
            Kind::ReviewOutcome => "review_outcome",
            Kind::NumberCalled => "number_called",
            Kind::ApplicationDenied => "application_denied",
            Kind::ResultDelivered => "result_delivered",
            Kind::FeedbackUpdate => "feedback_update",
            Kind::BookingCancelled => "booking_cancelled",
            Kind::BookingRestricted => "booking_restricted",
            Kind::IdentityChange => "identity_change",
            Kind::ConsentRequest => "consent_request",
            Kind::HelperUpdate => "helper_update",
        }
    }

    pub const ALL: [Kind; 17] = [
        Kind::BookingConfirmed,
        Kind::BookingReminder,
        Kind::ApplicationAccepted,
        Kind::CorrectionRequired,
        Kind::ApplicationCompleted,
        Kind::ApplicationRejected,
        Kind::EvaluationInvitation,
        Kind::ReviewOutcome,
        Kind::NumberCalled,
        Kind::ApplicationDenied,
        Kind::ResultDelivered,
        Kind::FeedbackUpdate,
        Kind::BookingCancelled,
        Kind::BookingRestricted,
        Kind::IdentityChange,
        Kind::ConsentRequest,
        Kind::HelperUpdate,
    ];

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    fn id_prefix(self) -> &'static str {
        match self {
            Kind::BookingConfirmed => "booking-confirmed",
            Kind::BookingReminder => "booking-reminder",
            Kind::ApplicationAccepted => "application-accepted",
            Kind::CorrectionRequired => "correction-required",
            Kind::ApplicationCompleted => "application-completed",
            Kind::ApplicationRejected => "application-rejected",
            Kind::EvaluationInvitation => "evaluation-invitation",
            Kind::ReviewOutcome => "review-outcome",
            Kind::NumberCalled => "number-called",
            Kind::ApplicationDenied => "application-denied",
            Kind::ResultDelivered => "result-delivered",
            Kind::FeedbackUpdate => "feedback-update",
            Kind::BookingCancelled => "booking-cancelled",
            Kind::BookingRestricted => "booking-restricted",
            Kind::IdentityChange => "identity-change",
            Kind::ConsentRequest => "consent-request",
            Kind::HelperUpdate => "helper-update",
        }
    }
}

/// One notification to send.
#[derive(Debug, Clone)]
pub struct Notification {
    pub kind: Kind,
    pub citizen: CitizenId,
    /// The id of what caused it; with `kind` it makes the record's id.
    pub cause: String,
    pub source: String,
    pub page: String,
    pub data: BTreeMap<&'static str, String>,
}

impl Notification {
    pub fn id(&self) -> String {
        format!("{}#{}", self.kind.id_prefix(), self.cause)
    }
}
