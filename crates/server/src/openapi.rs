//! The OpenAPI 3.1 document, generated from the handlers' annotations and the types below
//! (served at `/api/openapi.json`, kept under a snapshot test so every contract change shows in
//! review). The `*Doc` types describe answers whose wire types live in `interdict-types` and the
//! engines: they name the fields a client may rely on; answers may carry more.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::auth::SESSION_COOKIE,
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Interdict coalition platform", version = "1", description = "The HTTP API of `interdict serve` (shared/spec/platform.md)."),
    modifiers(&Security),
    paths(
        crate::http::ops::healthz, crate::http::ops::readyz, crate::http::ops::metrics,
        crate::http::identity::me, crate::http::identity::login, crate::http::identity::logout,
        crate::http::identity::organisations, crate::http::identity::add_organisation,
        crate::http::identity::add_user, crate::http::identity::create_token,
        crate::http::identity::tokens, crate::http::identity::revoke_token,
        crate::http::engines::identify, crate::http::engines::classify, crate::http::engines::match_party,
        crate::http::engines::screen, crate::http::detect::detect, crate::http::engines::substances, crate::http::engines::substance,
        crate::http::engines::lists, crate::http::engines::import_list,
        crate::http::incidents::create, crate::http::incidents::search, crate::http::incidents::get,
        crate::http::incidents::update, crate::http::incidents::visibility, crate::http::incidents::attach,
        crate::http::incidents::attachments, crate::http::incidents::attachment, crate::http::incidents::import, crate::http::incidents::export,
        crate::http::audit::checkpoint, crate::http::audit::inclusion, crate::http::audit::consistency,
        crate::http::audit::entries,
        crate::http::pens::file, crate::http::pens::screen_draft, crate::http::pens::list, crate::http::pens::statistics, crate::http::pens::get,
        crate::http::pens::acknowledge, crate::http::pens::reply, crate::http::pens::answer,
        crate::http::pens::withdraw, crate::http::pens::stop, crate::http::pens::shipment,
        crate::http::pens::label, crate::http::pens::verify, crate::http::pens::keys,
        crate::http::pens::rotate, crate::http::pens::revoke, crate::http::pens::put_corridor,
        crate::http::pens::corridor,
        crate::http::alerts::alerts, crate::http::alerts::subscribe, crate::http::alerts::subscriptions_list,
        crate::http::alerts::unsubscribe, crate::http::alerts::deliveries,
        crate::http::alerts::country_needs, crate::http::alerts::needs,
        crate::http::alerts::flows, crate::http::alerts::flow_changes,
    ),
    tags((name = "operations"), (name = "identity"), (name = "engines"), (name = "registry"), (name = "incidents"), (name = "audit"), (name = "notifications"), (name = "labels"), (name = "alerts"), (name = "needs"), (name = "flows"))
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}
