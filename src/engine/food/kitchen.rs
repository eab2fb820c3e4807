//! The restaurant's moves of an order (SPEC §8.2.4, §8.3) and what a cancellation gives back
//! (§8.2.9): stock and the whole total before the kitchen starts, the delivery fee and tip
//! once the food is made.

use crate::engine::mechanics::notice;
use crate::engine::{
    CancelReason, Effects, Engine, Event, KitchenStep, NoticeKind, OrderDetail, OrderId, OrderStatus, Party,
    Profile, Refusal, Reply, Role,
};
use crate::time::Millis;

impl Engine {
    pub(in crate::engine) fn kitchen(
        &mut self,
        now: Millis,
        id: OrderId,
        step: KitchenStep,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        let order = self.order(id)?;
        match order.status {
            OrderStatus::Cancelled => return Err(Refusal::OrderCancelled),
            OrderStatus::Delivered => return Err(Refusal::AlreadyDelivered),
            _ => {}
        }
        // `reject` is the restaurant's refusal of a new order: only from `pending`, though
        // the table lets a customer cancel later too.
        let legal = match step {
            KitchenStep::Reject => order.status == OrderStatus::Pending,
            // `assigned → ready` is in the table for an unassignment, which also frees the
            // driver; the kitchen's `ready` is only the end of preparing (SPEC §8.3).
            KitchenStep::Ready => order.status == OrderStatus::Preparing,
            _ => Profile::Food.allows(order.status, step.target()),
        };
        if !legal {
            return Err(Refusal::InvalidTransition);
        }
        match step {
            KitchenStep::Reject => {
                self.cancel(now, id, CancelReason::RestaurantRejected, fx);
            }
            KitchenStep::Confirm => {
                self.move_order(id, OrderStatus::Confirmed)?;
                self.food_mut(id).confirmed_at = Some(now);
                fx.events.push(Event::Confirmed(id));
                let customer = self.orders[id].sender;
                fx.notices.push(notice(
                    NoticeKind::Confirmed,
                    id,
                    Party::Customer(customer),
                    Role::Customer,
                ));
            }
            KitchenStep::Prepare => {
                self.move_order(id, OrderStatus::Preparing)?;
                self.food_mut(id).preparing_at = Some(now);
                fx.events.push(Event::Preparing(id));
            }
            KitchenStep::Ready => {
                self.move_order(id, OrderStatus::Ready)?;
                self.food_mut(id).ready_at = Some(now);
                fx.events.push(Event::Ready(id));
                self.order_assignable(now, id, fx);
            }
        }
        Ok(Reply::Moved(step.target()))
    }

    /// Gives back what a cancelled meal's phase allows: before the kitchen started (or on
    /// a rejection) the stock and the whole total; from `preparing` on the food is made, so
    /// the stock stays taken and the delivery fee and tip are refunded.
    pub(in crate::engine) fn settle_cancellation(
        &mut self,
        id: OrderId,
        before: OrderStatus,
        reason: CancelReason,
    ) {
        let OrderDetail::Food(food) = &mut self.orders[id].detail else {
            return;
        };
        let unmade = reason == CancelReason::RestaurantRejected
            || matches!(before, OrderStatus::Pending | OrderStatus::Confirmed);
        let invoice = &mut food.invoice;
        if unmade {
            invoice.refunded = invoice.total;
            let menu = &mut self.restaurants[food.restaurant.index()].menu;
            for line in &food.lines {
                if let Some(stock) = &mut menu[line.item.index()].stock {
                    *stock += u64::from(line.quantity);
                }
            }
        } else {
            invoice.refunded = invoice.delivery_fee + invoice.tip;
        }
    }

    /// The food part of an order the rules know to be a meal.
    pub(in crate::engine) fn food_mut(&mut self, id: OrderId) -> &mut crate::engine::FoodOrder {
        match &mut self.orders[id].detail {
            OrderDetail::Food(food) => food,
            OrderDetail::Parcel { .. } => unreachable!("{id} is checked to be a meal"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{
        Command, Contact, Engine, EngineConfig, KitchenStep, LatLon, OrderId, OrderStatus, Profile, Refusal,
    };
    use crate::time::Millis;

    /// Regression: `ready` on an assigned order was taken as the table's `assigned → ready`
    /// (the unassignment's move), which left the order ready with its driver still holding
    /// it. SPEC §8.3: it is `invalid_transition`, and nothing changes.
    #[test]
    fn ready_on_an_assigned_order_is_an_invalid_transition() {
        let mut engine = Engine::new(EngineConfig::for_profile(Profile::Food)).unwrap();
        let at = LatLon::new(52.52, 13.405).unwrap();
        let now = Millis::ZERO;
        let contact = Contact {
            email: Some("a@b.c".into()),
            phone: Some("1".into()),
        };
        let commands = [
            Command::OnboardRestaurant {
                name: "r".into(),
                contact: Contact::default(),
                location: at,
                prep: Millis::ZERO,
                open: true,
            },
            Command::SetMenuItem {
                restaurant: crate::engine::RestaurantId(0),
                item: "dish".into(),
                price: 100,
                stock: None,
            },
            Command::OnboardCustomer {
                name: "c".into(),
                contact,
                address: None,
                location: Some(at),
            },
            Command::OnboardDriver {
                name: "d".into(),
                contact: Contact::default(),
                location: Some(at),
            },
            Command::PlaceMeal {
                customer: crate::engine::CustomerId(0),
                restaurant: crate::engine::RestaurantId(0),
                lines: vec![crate::engine::Line {
                    item: crate::engine::ItemId(0),
                    quantity: 1,
                }],
                tip: 0,
                key: None,
            },
        ];
        for command in &commands {
            engine.apply(now, command).unwrap();
        }
        let order = OrderId(0);
        for step in [KitchenStep::Confirm, KitchenStep::Prepare, KitchenStep::Ready] {
            engine.apply(now, &Command::Kitchen { order, step }).unwrap();
        }
        assert_eq!(engine.order(order).unwrap().status, OrderStatus::Assigned);
        let before = engine.clone();
        let again = engine.apply(
            now,
            &Command::Kitchen {
                order,
                step: KitchenStep::Ready,
            },
        );
        assert_eq!(again, Err(Refusal::InvalidTransition));
        assert_eq!(engine, before, "a refused command changes nothing");
    }
}
