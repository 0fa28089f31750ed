//! Values stored as text that are not plain strings: lists joined with
//! commas (a survey's modules, languages and reminder days). Reading one
//! refuses an item it does not understand instead of dropping it.

use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;
use tillit_api::Language;

/// An item of a [`TextList`].
pub trait ListItem: Sized + std::fmt::Debug {
    fn to_text(&self) -> String;
    fn from_text(s: &str) -> Option<Self>;
}

impl ListItem for String {
    fn to_text(&self) -> String {
        self.clone()
    }
    fn from_text(s: &str) -> Option<Self> {
        Some(s.to_string())
    }
}

impl ListItem for Language {
    fn to_text(&self) -> String {
        self.code().to_string()
    }
    fn from_text(s: &str) -> Option<Self> {
        Language::parse(s)
    }
}

impl ListItem for u32 {
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_text(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// A list stored as one text column, its items joined with commas.
#[derive(Debug, Clone, PartialEq, Default, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct TextList<T: ListItem>(pub Vec<T>);

impl<T: ListItem> TextList<T> {
    fn join(&self) -> String {
        self.0
            .iter()
            .map(ListItem::to_text)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn split(s: &str) -> diesel::deserialize::Result<Self> {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| T::from_text(x).ok_or_else(|| format!("unknown list item {x:?}").into()))
            .collect::<diesel::deserialize::Result<Vec<T>>>()
            .map(TextList)
    }
}

impl<T: ListItem> ToSql<Text, Sqlite> for TextList<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> diesel::serialize::Result {
        out.set_value(self.join());
        Ok(IsNull::No)
    }
}

impl<T: ListItem> ToSql<Text, Pg> for TextList<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        use std::io::Write;
        out.write_all(self.join().as_bytes())?;
        Ok(IsNull::No)
    }
}

impl<T: ListItem> FromSql<Text, Sqlite> for TextList<T> {
    fn from_sql(
        bytes: <Sqlite as diesel::backend::Backend>::RawValue<'_>,
    ) -> diesel::deserialize::Result<Self> {
        let s = <String as FromSql<Text, Sqlite>>::from_sql(bytes)?;
        Self::split(&s)
    }
}

impl<T: ListItem> FromSql<Text, Pg> for TextList<T> {
    fn from_sql(
        bytes: <Pg as diesel::backend::Backend>::RawValue<'_>,
    ) -> diesel::deserialize::Result<Self> {
        let s = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
        Self::split(&s)
    }
}
