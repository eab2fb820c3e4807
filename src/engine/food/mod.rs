//! The food profile's own rules (SPEC §8.2): restaurants and their menus, placement with
//! stock, pricing and the invoice, the restaurant's moves, giving an order back, the review
//! flag and what a cancellation returns. Everything else (dispatch, deadlines, pickup,
//! delivery, rating, keys) is the engine's common code, which these rules call.
//!
//! `menu` holds the restaurant commands, `place` placement and the ETA, `kitchen` the
//! restaurant's moves and the settling of a cancellation, `handover` unassignment (deadline
//! or `release`) and review.

mod handover;
mod kitchen;
mod menu;
mod model;
mod place;

pub use crate::engine::geo::travel_ms;
pub(super) use menu::bad_item_name;
pub use model::{FoodOrder, FoodSettings, Invoice, Line, MenuItem, Restaurant, MAX_AMOUNT, MAX_QUANTITY};
pub(super) use place::bad_meal;
pub use place::delivery_fee;
