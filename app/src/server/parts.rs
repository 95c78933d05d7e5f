//! The domains' parts of the `AppState` (the auth cache, the event hub, the stage-move queue,
//! the mailer, the channel registry, …), kept by type so that the infrastructure names no
//! domain. The composition root (`platform::parts`) builds them at start-up; each domain
//! reads its own through an accessor it defines on `AppState` (`state.hub()`).

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;

/// One value of each registered type.
#[derive(Default)]
pub struct Parts(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl Parts {
    pub fn new() -> Parts {
        Parts::default()
    }

    /// Adds a part; a second part of the same type is a wiring mistake.
    pub fn insert<T: Any + Send + Sync>(&mut self, part: T) -> &mut Parts {
        let previous = self.0.insert(TypeId::of::<T>(), Box::new(part));
        assert!(
            previous.is_none(),
            "{} is registered twice",
            type_name::<T>()
        );
        self
    }

    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref()
    }
}

impl super::AppState {
    /// The part of type `T`. Every part is registered in `platform::parts` before the server
    /// starts; a missing one is a wiring mistake that the first test using it reports.
    pub fn part<T: Any>(&self) -> &T {
        self.parts.get::<T>().unwrap_or_else(|| {
            panic!(
                "{} is not among the AppState's parts (see platform::parts)",
                type_name::<T>()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Parts;

    #[test]
    fn parts_are_found_by_type() {
        let mut parts = Parts::new();
        parts.insert(7_u32).insert(String::from("seven"));
        assert_eq!(parts.get::<u32>(), Some(&7));
        assert_eq!(parts.get::<String>().map(String::as_str), Some("seven"));
        assert_eq!(parts.get::<i64>(), None);
    }

    #[test]
    #[should_panic(expected = "registered twice")]
    fn a_part_registered_twice_is_refused() {
        Parts::new().insert(1_u8).insert(2_u8);
    }
}
