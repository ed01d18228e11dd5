//! A serde serializer that feeds a value into a hash instead of writing it out: every item is a
//! tag byte followed by its fixed-size bytes or its length and bytes, and sequences and maps
//! end with a tag of their own, so two different values never feed the same bytes. About
//! three times as fast as hashing the value's JSON (no escaping, no formatting).

use std::hash::Hasher as _;

use serde::ser::{self, Serialize};
use siphasher::sip128::SipHasher13;

/// The hash being fed; with `blind`, the struct fields named [`BLIND_FIELD`] are left out (see
/// [`super::counts`]).
pub(super) struct Feed {
    pub(super) hash: SipHasher13,
    pub(super) blind: bool,
}

/// The field a blind [`Feed`] leaves out: the sections' page counts
/// (`views::SectionSummary::page_count`, the only struct field of that name in the views).
pub(super) const BLIND_FIELD: &str = "page_count";

type Error = serde::de::value::Error;
type Done = Result<(), Error>;

impl Feed {
    fn tag(&mut self, t: u8) {
        self.hash.write_u8(t);
    }

    pub(super) fn bytes(&mut self, t: u8, b: &[u8]) {
        self.hash.write_u8(t);
        self.hash.write_u64(b.len() as u64);
        self.hash.write(b);
    }
}

impl ser::Serializer for &mut Feed {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.tag(if v { 1 } else { 2 });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.tag(3);
        self.hash.write_i64(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.tag(4);
        self.hash.write_i128(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.tag(5);
        self.hash.write_u64(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tag(6);
        self.hash.write_u128(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tag(7);
        self.hash.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.bytes(8, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.bytes(9, v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(10);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
        self.tag(11);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(12);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Done {
        self.bytes(13, name.as_bytes());
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, variant: &'static str) -> Done {
        self.hash.write_u32(index);
        self.bytes(14, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Done {
        self.tag(15);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.hash.write_u32(index);
        self.bytes(16, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        self.tag(17);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        self.tag(17);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(17);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.hash.write_u32(index);
        self.bytes(18, variant.as_bytes());
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        self.tag(19);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(19);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.hash.write_u32(index);
        self.bytes(20, variant.as_bytes());
        Ok(self)
    }
}

/// Every element is preceded by a tag, so the end tag cannot be mistaken for one.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Feed {
            type Ok = ();
            type Error = Error;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
                self.tag(21);
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                self.tag(22);
                Ok(())
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Feed {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Done {
        self.tag(21);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(22);
        Ok(())
    }
}

macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Feed {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Done {
                if self.blind && key == BLIND_FIELD {
                    return self.skip_field(key);
                }
                self.bytes(21, key.as_bytes());
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, key: &'static str) -> Done {
                self.bytes(23, key.as_bytes());
                Ok(())
            }
            fn end(self) -> Done {
                self.tag(22);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use siphasher::sip128::{Hasher128 as _, SipHasher13};

    use super::Feed;

    fn key(value: &impl serde::Serialize) -> u128 {
        keyed(value, false)
    }

    fn keyed(value: &impl serde::Serialize, blind: bool) -> u128 {
        let mut feed = Feed {
            hash: SipHasher13::new(),
            blind,
        };
        value.serialize(&mut feed).unwrap_or_else(|e| panic!("{e}"));
        feed.hash.finish128().as_u128()
    }

    #[test]
    fn values_that_differ_only_in_where_things_split_feed_different_bytes() {
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_ne!(key(&vec![vec!["a"], vec![]]), key(&vec![vec![], vec!["a"]]));
        assert_ne!(key(&Some("")), key(&None::<&str>));
        assert_ne!(key(&("", "")), key(&("",)));
        fn map(pairs: &[(&'static str, &'static str)]) -> BTreeMap<&'static str, &'static str> {
            pairs.iter().copied().collect()
        }
        assert_ne!(key(&map(&[("a", "b")])), key(&map(&[("ab", "")])));
        assert_ne!(key(&1u64), key(&1i64));
        assert_eq!(key(&map(&[("a", "b")])), key(&map(&[("a", "b")])));
    }

    #[derive(serde::Serialize)]
    struct Counted {
        title: &'static str,
        page_count: usize,
    }

    #[test]
    fn a_blind_feed_leaves_out_only_the_page_counts() {
        let a = Counted {
            title: "a",
            page_count: 1,
        };
        let b = Counted {
            title: "a",
            page_count: 2,
        };
        assert_ne!(keyed(&a, false), keyed(&b, false));
        assert_eq!(keyed(&a, true), keyed(&b, true));
        let c = Counted {
            title: "c",
            page_count: 1,
        };
        assert_ne!(keyed(&a, true), keyed(&c, true));
        // A map's entry of that name (user data) is kept.
        let map = |n: u64| BTreeMap::from([("page_count", n)]);
        assert_ne!(keyed(&map(1), true), keyed(&map(2), true));
    }
}
