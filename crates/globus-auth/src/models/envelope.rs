//! The one-member wrappers Globus Auth puts around single resources (`{"project": {...}}`),
//! in both directions: [`Envelope`] reads one, [`Wrap`] writes one.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A model that Globus Auth wraps in a one-member object named [`KEY`](Self::KEY).
pub(crate) trait Wrapped: DeserializeOwned {
    /// The member name, e.g. `"project"`.
    const KEY: &'static str;
}

/// Reads `{"<T::KEY>": <T>, ...}` and keeps the `T` (other members are ignored; they stay
/// in the response's raw JSON).
#[derive(Debug)]
pub(crate) struct Envelope<T>(pub(crate) T);

impl<T> Envelope<T> {
    /// The unwrapped value.
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, T: Wrapped> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor<T>(PhantomData<T>);

        impl<'de, T: Wrapped> Visitor<'de> for EnvelopeVisitor<T> {
            type Value = Envelope<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object with a {:?} member", T::KEY)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == T::KEY {
                        if found.is_some() {
                            return Err(de::Error::duplicate_field(T::KEY));
                        }
                        found = Some(map.next_value::<T>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                found
                    .map(Envelope)
                    .ok_or_else(|| de::Error::missing_field(T::KEY))
            }
        }

        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

/// Writes `{"<key>": <value>}`: the request bodies of the create and update calls.
pub(crate) struct Wrap<'a, T: ?Sized>(pub(crate) &'static str, pub(crate) &'a T);

impl<T: Serialize + ?Sized> Serialize for Wrap<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Thing {
        id: String,
    }

    impl Wrapped for Thing {
        const KEY: &'static str = "thing";
    }

    #[test]
    fn envelope_unwraps_and_ignores_siblings() {
        let parsed: Result<Envelope<Thing>, _> =
            serde_json::from_str(r#"{"other": [1, {"a": 2}], "thing": {"id": "x"}}"#);
        assert_eq!(
            parsed.ok().map(Envelope::into_inner),
            Some(Thing { id: "x".into() })
        );
    }

    #[test]
    fn envelope_requires_its_member() {
        let err = serde_json::from_str::<Envelope<Thing>>(r#"{"things": []}"#)
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("missing field `thing`")));
        assert!(serde_json::from_str::<Envelope<Thing>>("[]").is_err());
    }

    #[test]
    fn wrap_writes_one_member() {
        let body = serde_json::to_string(&Wrap("thing", &[1, 2])).unwrap_or_default();
        assert_eq!(body, r#"{"thing":[1,2]}"#);
    }
}
