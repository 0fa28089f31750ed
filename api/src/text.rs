//! What the server accepts as free text, stated once as named schemas so
//! the spec says it (clients generated from it check before sending).
//! Fields take them with `#[schema(value_type = ..)]`; the server's own
//! parsers (`backend/src/domain.rs`) are what enforce them.

#[cfg(feature = "server")]
mod schemas {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    use utoipa::openapi::{RefOr, Schema};

    /// No control or text-direction characters, and not only spaces.
    const PLAIN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*[^\\s\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069][^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";

    macro_rules! text_schema {
        ($(#[doc = $doc:literal])* $name:ident { max: $max:expr, pattern: $pattern:expr, format: $format:expr, example: $example:literal }) => {
            $(#[doc = $doc])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    let doc = [$($doc),*].join("\n");
                    let format: Option<KnownFormat> = $format;
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .description(Some(doc.trim().to_string()))
                        .min_length(Some(1))
                        .max_length(Some($max))
                        .pattern($pattern)
                        .format(format.map(SchemaFormat::KnownFormat))
                        .examples([serde_json::json!($example)])
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {}
        };
    }

    text_schema! {
        /// An HR system's id for a unit or an employee: 1 to 100 characters
        /// after trimming, no control or text-direction characters.
        ExternalIdText { max: 100, pattern: Some(PLAIN), format: None, example: "EMP-10442" }
    }
    text_schema! {
        /// A display name: 1 to 200 characters after trimming, no control or
        /// text-direction characters.
        DisplayName { max: 200, pattern: Some(PLAIN), format: None, example: "Seksjon for tilskudd" }
    }
    text_schema! {
        /// An email address (trimmed and lower-cased when stored), at most
        /// 254 characters, with a dot in its domain.
        EmailText { max: 254, pattern: None::<&str>, format: Some(KnownFormat::Email), example: "kari.nordmann@direktoratet.no" }
    }
}

#[cfg(feature = "server")]
pub use schemas::*;
