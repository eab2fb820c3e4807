//! Notifications: the engine says who must hear about what ([`Notice`]); this module picks
//! the channels (SPEC §3.12: `email` for an email address, `sms` for a phone number, `app`
//! for someone with neither), words the message, and hands it to the channel's vendor.
//!
//! Each vendor is an object behind the [`Vendor`] trait that logs the requests it processed,
//! as the seed asks ("a class that represents a vendor … print the log indicating that the
//! vendor has processed the request"). Shells decide where the log goes.

use std::fmt;

use crate::engine::{Engine, Notice, NoticeKind, Party, Role};
use crate::time::Millis;

/// A way of reaching someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// An email to their address.
    Email,
    /// A text message to their phone.
    Sms,
    /// A push message in the app, for someone with neither.
    App,
}

impl Channel {
    /// The SPEC's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::App => "app",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message on one channel, ready for its vendor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// When it is sent.
    pub at: Millis,
    /// Through which channel.
    pub channel: Channel,
    /// The recipient's name.
    pub recipient: String,
    /// The address on that channel: email, phone, or the name for the app.
    pub address: String,
    /// What it is about.
    pub notice: Notice,
    /// The text.
    pub message: String,
}

/// A notification vendor: processes a delivery and says what it did.
pub trait Vendor {
    /// The channel this vendor serves.
    fn channel(&self) -> Channel;
    /// Processes one delivery; returns the vendor's log line.
    fn process(&mut self, delivery: &Delivery) -> String;
    /// How many deliveries it has processed.
    fn processed(&self) -> u64;
}

/// A stand-in email provider.
#[derive(Debug, Default)]
pub struct EmailVendor {
    processed: u64,
}

/// A stand-in SMS gateway.
#[derive(Debug, Default)]
pub struct SmsVendor {
    processed: u64,
}

/// A stand-in push service for the app.
#[derive(Debug, Default)]
pub struct AppVendor {
    processed: u64,
}

macro_rules! vendor {
    ($ty:ty, $channel:expr, $verb:literal) => {
        impl Vendor for $ty {
            fn channel(&self) -> Channel {
                $channel
            }
            fn process(&mut self, d: &Delivery) -> String {
                self.processed += 1;
                format!(
                    concat!($verb, " {} ({}): {}"),
                    d.address, d.recipient, d.message
                )
            }
            fn processed(&self) -> u64 {
                self.processed
            }
        }
    };
}

vendor!(EmailVendor, Channel::Email, "email vendor sent to");
vendor!(SmsVendor, Channel::Sms, "sms vendor texted");
vendor!(AppVendor, Channel::App, "app vendor pushed to");

/// The three vendors, one per channel.
#[derive(Debug, Default)]
pub struct Notifier {
    email: EmailVendor,
    sms: SmsVendor,
    app: AppVendor,
}

impl Notifier {
    /// Expands one notice into its deliveries (one per channel of the recipient), has each
    /// processed by its vendor, and returns them with the vendors' log lines.
    pub fn send(&mut self, engine: &Engine, at: Millis, notice: &Notice) -> Vec<(Delivery, String)> {
        deliveries(engine, at, notice)
            .into_iter()
            .map(|d| {
                let vendor: &mut dyn Vendor = match d.channel {
                    Channel::Email => &mut self.email,
                    Channel::Sms => &mut self.sms,
                    Channel::App => &mut self.app,
                };
                let log = vendor.process(&d);
                (d, log)
            })
            .collect()
    }

    /// Deliveries processed so far, over all channels.
    pub fn total_processed(&self) -> u64 {
        self.email.processed() + self.sms.processed() + self.app.processed()
    }
}

/// The channels through which `party` is reached, each with its address, in the order
/// email, sms, app.
pub fn channels(engine: &Engine, party: Party) -> Vec<(Channel, String)> {
    let contact = engine.contact_of(party);
    let mut out = Vec::with_capacity(2);
    if let Some(email) = &contact.email {
        out.push((Channel::Email, email.clone()));
    }
    if let Some(phone) = &contact.phone {
        out.push((Channel::Sms, phone.clone()));
    }
    if out.is_empty() {
        out.push((Channel::App, engine.name_of(party).to_string()));
    }
    out
}

/// How many channels reach `party` (without building the messages).
pub fn channel_count(engine: &Engine, party: Party) -> usize {
    let contact = engine.contact_of(party);
    usize::from(contact.email.is_some())
        + usize::from(contact.phone.is_some()).max(usize::from(contact.email.is_none()))
}

/// The deliveries of one notice, without sending them.
pub fn deliveries(engine: &Engine, at: Millis, notice: &Notice) -> Vec<Delivery> {
    let text = message(engine, notice);
    let recipient = engine.name_of(notice.to).to_string();
    channels(engine, notice.to)
        .into_iter()
        .map(|(channel, address)| Delivery {
            at,
            channel,
            recipient: recipient.clone(),
            address,
            notice: *notice,
            message: text.clone(),
        })
        .collect()
}

/// The text of a notice, as its recipient reads it.
pub fn message(engine: &Engine, notice: &Notice) -> String {
    let id = notice.order;
    let Ok(order) = engine.order(id) else {
        return format!("{id}: {}", notice.kind.as_str());
    };
    let driver = order
        .driver
        .map_or("", |d| engine.drivers()[d.index()].name.as_str());
    match (notice.kind, notice.role) {
        (NoticeKind::Placed, Role::Sender | Role::Customer) => format!("{id} is placed by you"),
        (NoticeKind::Placed, Role::Restaurant) => format!("{id} is a new order for you"),
        (NoticeKind::Placed, _) => format!("{id} is placed for you"),
        (NoticeKind::Assigned, Role::Driver) => format!("{id} is assigned to you"),
        (NoticeKind::Assigned, _) => format!("{id} is assigned to a driver: {driver}"),
        (NoticeKind::PickedUp, _) => format!("{id} is picked up by {driver}"),
        (NoticeKind::Delivered, _) => format!("{id} is delivered by {driver}"),
        (NoticeKind::Cancelled, role) => {
            let why = match order.cancel_reason {
                Some(crate::engine::CancelReason::NoPickup) => "no driver picked it up in time",
                Some(crate::engine::CancelReason::RestaurantRejected) => "the restaurant rejected it",
                _ if order.food().is_some() => "the customer cancelled it",
                _ => "the sender cancelled it",
            };
            if role == Role::Driver {
                format!("{id} is cancelled ({why}); you are free for the next order")
            } else {
                format!("{id} is cancelled: {why}")
            }
        }
        (NoticeKind::Confirmed, _) => format!("{id} is confirmed by the restaurant"),
        (NoticeKind::Delayed, _) => {
            format!("{id} is delayed: its driver did not pick it up, finding another")
        }
        (NoticeKind::Unassigned, _) => format!("{id} is no longer yours: the pickup was not made"),
        (NoticeKind::Review, _) => {
            format!("your account is flagged for review after the failed pickup of {id}")
        }
    }
}
