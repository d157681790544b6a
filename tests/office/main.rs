//! The office side of the platform, one suite (one test binary: each binary links every
//! function, so fewer link faster): the hall's queue ([`hall`]), window intake
//! ([`intake`]), department decisions, documents and results ([`decisions`]), 退件 by
//! reason ([`returns`]), consultations and complaints ([`feedback`]), 督办 orders and the
//! audit trail ([`supervision`]), the supervisors' figures ([`figures`]) and alerts
//! ([`alerts`]), and a whole morning at the hall end to end ([`day`]).

mod alerts;
mod day;
mod decisions;
mod feedback;
mod figures;
mod hall;
mod intake;
mod returns;
mod supervision;
