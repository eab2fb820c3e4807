//! The food profile's own commands (SPEC §8.4): restaurants and their menus, the kitchen's
//! moves and `release`. Amounts (prices, stock, restock counts) are kept as written: a
//! malformed amount is a refusal (`invalid_argument`) decided when the line runs, after the
//! unknown-entity checks, not a malformed line.

use super::args::{duration, location, Args};
use super::Stmt;
use crate::engine::KitchenStep;
use crate::time::Millis;

/// A restaurant's mean preparation time when `prep=` is not given (SPEC §8.1).
pub const DEFAULT_PREP: Millis = Millis(12 * 60 * 1000);

/// The commands only a food script has, as their first word.
const FOOD_COMMANDS: [&str; 9] = [
    "menu", "restock", "open", "close", "confirm", "reject", "prepare", "ready", "release",
];

/// Whether `word` starts a food-only command.
pub(super) fn is_food_command(word: &str) -> bool {
    FOOD_COMMANDS.contains(&word)
}

/// `onboard restaurant NAME at=LAT,LON [email=] [phone=] [prep=] [open=]`, after its two
/// keywords.
pub(super) fn onboard_restaurant(words: &[String]) -> Result<Stmt, String> {
    let a = Args::new(words, &["at", "email", "phone", "prep", "open"])?;
    a.exactly(1, "a restaurant name")?;
    let at = location(Some(a.required("at")?))?.ok_or("missing required option `at=`")?;
    let prep = a
        .optional("prep")
        .map(|v| duration(&v))
        .transpose()?
        .unwrap_or(DEFAULT_PREP);
    Ok(Stmt::OnboardRestaurant {
        name: a.positional[0].to_string(),
        at,
        email: a.optional("email"),
        phone: a.optional("phone"),
        prep,
        open: a.optional("open"),
    })
}

/// One of [`FOOD_COMMANDS`], whole line.
pub(super) fn command(words: &[String]) -> Result<Stmt, String> {
    let head = words[0].as_str();
    let rest = &words[1..];
    match head {
        "menu" => {
            let a = Args::new(rest, &["price", "stock"])?;
            a.exactly(2, "a restaurant and an item")?;
            Ok(Stmt::Menu {
                restaurant: a.positional[0].to_string(),
                item: a.positional[1].to_string(),
                price: a.required("price")?,
                stock: a.optional("stock"),
            })
        }
        "restock" => {
            let a = Args::new(rest, &[])?;
            a.exactly(3, "a restaurant, an item and an amount")?;
            Ok(Stmt::Restock {
                restaurant: a.positional[0].to_string(),
                item: a.positional[1].to_string(),
                amount: a.positional[2].to_string(),
            })
        }
        "open" | "close" => {
            let a = Args::new(rest, &[])?;
            a.exactly(1, "a restaurant")?;
            Ok(Stmt::SetOpen {
                restaurant: a.positional[0].to_string(),
                open: head == "open",
            })
        }
        "release" => {
            let a = Args::new(rest, &[])?;
            a.exactly(2, "a driver and an order")?;
            Ok(Stmt::Release {
                driver: a.positional[0].to_string(),
                order: a.positional[1].to_string(),
            })
        }
        step => {
            let step = KitchenStep::ALL
                .into_iter()
                .find(|s| s.as_str() == step)
                .ok_or_else(|| format!("unknown command `{step}`"))?;
            let a = Args::new(rest, &[])?;
            a.exactly(1, "an order id")?;
            Ok(Stmt::Kitchen {
                step,
                order: a.positional[0].to_string(),
            })
        }
    }
}
