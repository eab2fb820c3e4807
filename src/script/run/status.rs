//! The read-only lines: `status order|driver|orders|drivers`, the food profile's `status
//! restaurant|invoice`, and `top drivers`. Each prints what it shows after `ok:`; an unknown
//! name is refused as any command's would be.

use super::{lookup, view, Interpreter, Refused};
use crate::engine::Refusal;
use crate::script::host::Host;
use crate::script::parse::Stmt;
use crate::script::ScriptError;

/// What a line's run returns: the outer error stops the script, the inner result is what
/// `expect ok` and `expect error` see.
type Ran = Result<Result<(), Refusal>, ScriptError>;

impl<H: Host> Interpreter<'_, H> {
    /// Runs one read-only statement.
    pub(super) fn status(&mut self, stmt: &Stmt) -> Ran {
        match stmt {
            Stmt::StatusOrder(order) => match lookup::order(self.host.engine(), order) {
                Ok(id) => {
                    let text = view::order_line(self.host.engine(), &self.host.engine().orders()[id.index()]);
                    self.say(&format!("  ok: {text}"))?;
                    Ok(Ok(()))
                }
                Err(refused) => self.refuse(refused),
            },
            Stmt::StatusDriver(name) => match lookup::driver(self.host.engine(), name) {
                Ok(id) => {
                    let text = view::driver_line(self.host.engine(), id);
                    self.say(&format!("  ok: {text}"))?;
                    Ok(Ok(()))
                }
                Err(refused) => self.refuse(refused),
            },
            Stmt::StatusOrders => {
                let lines: Vec<String> = self
                    .host
                    .engine()
                    .orders()
                    .iter()
                    .map(|o| view::order_line(self.host.engine(), o))
                    .collect();
                self.list("orders", lines)
            }
            Stmt::StatusDrivers => {
                let lines: Vec<String> = (0..self.host.engine().drivers().len() as u32)
                    .map(|d| view::driver_line(self.host.engine(), crate::engine::DriverId(d)))
                    .collect();
                self.list("drivers", lines)
            }
            Stmt::Top { by, limit } => {
                let lines = view::board_lines(self.host.engine(), *by, *limit);
                self.list(&format!("top drivers by {by}"), lines)
            }
            Stmt::StatusRestaurant(name) => self.status_restaurant(name),
            Stmt::StatusInvoice(order) => self.status_invoice(order),
            _ => Err(ScriptError::Internal(format!("not a status statement: {stmt:?}"))),
        }
    }

    fn status_restaurant(&mut self, name: &str) -> Ran {
        let engine = self.host.engine();
        match lookup::restaurant(engine, name) {
            Ok(id) => {
                let r = &engine.restaurants()[id.index()];
                let (heading, dishes) = view::food::restaurant_lines(r);
                self.list(&heading, dishes)
            }
            Err(refused) => self.refuse(refused),
        }
    }

    fn status_invoice(&mut self, order: &str) -> Ran {
        let engine = self.host.engine();
        let found = lookup::order(engine, order).and_then(|id| {
            let o = engine.order(id).map_err(|refusal| Refused {
                refusal,
                message: format!("no order {order}"),
            })?;
            o.food()
                .map(|meal| view::food::invoice_line(o, meal))
                .ok_or_else(|| Refused {
                    refusal: Refusal::UnknownOrder,
                    message: format!("{order} is not a food order"),
                })
        });
        match found {
            Ok(text) => {
                self.say(&format!("  ok: {text}"))?;
                Ok(Ok(()))
            }
            Err(refused) => self.refuse(refused),
        }
    }
}
