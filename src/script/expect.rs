//! Evaluates `expect` lines against the engine and what the script has seen so far. The
//! food profile's own forms (invoice, stock, ETA, a driver's place and record) are in `food`.

mod food;

use std::collections::BTreeSet;

use super::parse::Expectation;
use crate::engine::{rankings, Engine, NoticeKind, OrderId, Refusal};

/// What the script has observed that expectations can refer to.
pub struct Observed<'a> {
    /// The engine's current state.
    pub engine: &'a Engine,
    /// The result of the last command (not counting expectations).
    pub last_result: Option<Result<(), Refusal>>,
    /// Every (recipient name, kind, order) notified so far.
    pub notified: &'a BTreeSet<(String, NoticeKind, OrderId)>,
}

/// `Ok` if the expectation holds, else what was found instead.
pub fn check(expectation: &Expectation, seen: &Observed<'_>) -> Result<(), String> {
    let engine = seen.engine;
    match expectation {
        Expectation::Ok => match seen.last_result {
            Some(Ok(())) => Ok(()),
            Some(Err(code)) => Err(format!("expected ok, got error {code}")),
            None => Err("expected ok, but no command ran".into()),
        },
        Expectation::Error(want) => match seen.last_result {
            Some(Err(code)) if code == *want => Ok(()),
            Some(Err(code)) => Err(format!("expected error {want}, got error {code}")),
            Some(Ok(())) => Err(format!("expected error {want}, got ok")),
            None => Err(format!("expected error {want}, but no command ran")),
        },
        Expectation::Order {
            order,
            status,
            driver,
            reason,
        } => {
            let id = engine
                .order_by_name(order)
                .map_err(|_| format!("expected {order} to be {status}, but there is no such order"))?;
            let o = &engine.orders()[id.index()];
            if o.status != *status {
                return Err(format!("expected {order} to be {status}, found {}", o.status));
            }
            if let Some(want) = driver {
                let found = o.driver.map(|d| engine.drivers()[d.index()].name.as_str());
                if found != Some(want.as_str()) {
                    return Err(format!(
                        "expected {order} with driver {want}, found {}",
                        found.unwrap_or("no driver")
                    ));
                }
            }
            if let Some(want) = reason {
                if o.cancel_reason != Some(*want) {
                    let found = o.cancel_reason.map_or("no reason", |r| r.as_str());
                    return Err(format!(
                        "expected {order} cancelled for {}, found {found}",
                        want.as_str()
                    ));
                }
            }
            Ok(())
        }
        Expectation::Driver {
            name,
            status,
            order,
            at,
            failed_pickups,
            review,
        } => {
            let id = engine
                .driver_by_name(name)
                .map_err(|_| format!("expected driver {name} to be {status}, but there is no such driver"))?;
            let d = &engine.drivers()[id.index()];
            if d.status() != *status {
                return Err(format!(
                    "expected driver {name} to be {status}, found {}",
                    d.status()
                ));
            }
            if let Some(want) = order {
                let found = d.order().map(|o| o.to_string());
                if found.as_deref() != Some(want.as_str()) {
                    return Err(format!(
                        "expected driver {name} to hold {want}, found {}",
                        found.as_deref().unwrap_or("nothing")
                    ));
                }
            }
            food::check_driver(name, d, *at, *failed_pickups, *review)
        }
        Expectation::Notified { name, kind, order } => {
            let found =
                OrderId::parse(order).is_some_and(|id| seen.notified.contains(&(name.clone(), *kind, id)));
            if found {
                Ok(())
            } else {
                Err(format!(
                    "expected {name} to have been notified `{}` about {order}, but they were not",
                    kind.as_str()
                ))
            }
        }
        Expectation::Invoice { .. } | Expectation::Stock { .. } | Expectation::Eta { .. } => {
            food::check(expectation, engine)
        }
        Expectation::Top { by, names } => {
            let board: Vec<&str> = rankings::board(engine, *by)
                .into_iter()
                .map(|d| engine.drivers()[d.index()].name.as_str())
                .collect();
            let head = &board[..names.len().min(board.len())];
            if head == names.as_slice() {
                Ok(())
            } else {
                Err(format!(
                    "expected the {by} board to start {}, found {}",
                    names.join(","),
                    if board.is_empty() {
                        "it empty".to_string()
                    } else {
                        board.join(",")
                    }
                ))
            }
        }
    }
}
