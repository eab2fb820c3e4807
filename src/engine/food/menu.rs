//! Restaurant commands (SPEC §8.2, §8.3): onboarding, the menu, restocking, opening and
//! closing. None touches an existing order.

use super::model::{MenuItem, Restaurant, MAX_AMOUNT};
use crate::engine::{Contact, Engine, ItemId, LatLon, Party, Profile, Refusal, Reply, RestaurantId};
use crate::time::Millis;

impl Engine {
    pub(in crate::engine) fn onboard_restaurant(
        &mut self,
        name: &str,
        contact: &Contact,
        location: LatLon,
        prep: Millis,
        open: bool,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        self.check_new_name(name, contact, Some(location))?;
        if prep > Millis::MAX_DURATION {
            return Err(Refusal::InvalidArgument);
        }
        let id = RestaurantId(self.restaurants.len() as u32);
        self.restaurants.push(Restaurant {
            name: name.to_string(),
            location,
            open,
            contact: contact.clone(),
            prep,
            menu: Vec::new(),
        });
        self.names.insert(name.to_string(), Party::Restaurant(id));
        Ok(Reply::Onboarded(Party::Restaurant(id)))
    }

    pub(in crate::engine) fn set_menu_item(
        &mut self,
        restaurant: RestaurantId,
        item: &str,
        price: u64,
        stock: Option<u64>,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        self.restaurant(restaurant)?;
        if bad_item_name(item).is_some() || price > MAX_AMOUNT || stock.is_some_and(|s| s > MAX_AMOUNT) {
            return Err(Refusal::InvalidArgument);
        }
        let menu = &mut self.restaurants[restaurant.index()].menu;
        let entry = MenuItem {
            name: item.to_string(),
            price,
            stock,
        };
        match menu.iter_mut().find(|m| m.name == item) {
            Some(existing) => *existing = entry,
            None => menu.push(entry),
        }
        Ok(Reply::Updated)
    }

    pub(in crate::engine) fn restock(
        &mut self,
        restaurant: RestaurantId,
        item: ItemId,
        amount: u64,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        let r = self.restaurant(restaurant)?;
        let dish = r.menu.get(item.index()).ok_or(Refusal::UnknownItem)?;
        if amount == 0 || amount > MAX_AMOUNT {
            return Err(Refusal::InvalidArgument);
        }
        let restocked = match dish.stock {
            // An unlimited dish stays unlimited.
            None => None,
            Some(stock) => Some(
                stock
                    .checked_add(amount)
                    .filter(|&s| s <= MAX_AMOUNT)
                    .ok_or(Refusal::InvalidArgument)?,
            ),
        };
        self.restaurants[restaurant.index()].menu[item.index()].stock = restocked;
        Ok(Reply::Updated)
    }

    pub(in crate::engine) fn set_open(
        &mut self,
        restaurant: RestaurantId,
        open: bool,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        self.restaurant(restaurant)?;
        self.restaurants[restaurant.index()].open = open;
        Ok(Reply::Updated)
    }
}

/// Why `name` cannot name a dish: it must show a character, and hold no control character,
/// `*` or `,` (which separate quantities and lines in `items=`).
pub(in crate::engine) fn bad_item_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("a dish needs a name".into());
    }
    if name.chars().any(|c| c.is_control() || c == '*' || c == ',') {
        return Some(format!(
            "{name:?} cannot name a dish: no `*`, `,` or control characters"
        ));
    }
    None
}
