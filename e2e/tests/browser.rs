//! In headless Chromium at phone size: an agency admin logs in, checks a CSV
//! with an error, fixes it, applies it and finds the new units in the tree.

use std::time::Duration;

use fantoccini::{Client, Locator};
use tillit_e2e::page::{click, log_in, shot, wait_text};
use tillit_e2e::{artifacts, axe, link_token, reflows_at_320, Browser, Server};

/// Fills in the login form as the demo agency's admin and waits for the overview.
async fn log_in_as_admin(c: &Client, s: &Server) {
    log_in(c, s, "controller_admin").await;
}

#[tokio::test]
async fn org_2_admin_checks_a_csv_fixes_it_applies_it_and_sees_the_tree() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    wait_text(c, "h1", "Logg inn").await;
    axe(c, "login").await;
    log_in_as_admin(c, &s).await;
    shot(c, "home").await;

    // Navigate by the menu, as a person would.
    click(c, Locator::LinkText("Import fra HR")).await;
    wait_text(c, "h1", "Import").await;
    axe(c, "import").await;
    click(c, Locator::Id("kind-units")).await;

    let dir = artifacts();
    let bad = dir.join("units-bad.csv");
    std::fs::write(
        &bad,
        "external_id;name;parent_external_id\nNY;Ny avdeling;DIR\nNY-1;Nytt team;FINNES-IKKE\n",
    )
    .unwrap();
    let file = c.find(Locator::Id("import-file")).await.unwrap();
    file.send_keys(bad.to_str().unwrap()).await.unwrap();
    click(c, Locator::Css("form.card button[type=submit]")).await;
    let report = wait_text(c, "section.card", "FINNES-IKKE").await;
    assert!(report.contains('3'), "the error names CSV row 3: {report}");
    reflows_at_320(c).await;
    shot(c, "import-errors").await;
    let apply = c.find(Locator::Css("button.primary")).await.unwrap();
    assert_eq!(
        apply.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "a file with errors cannot be applied"
    );

    let good = dir.join("units-good.csv");
    std::fs::write(
        &good,
        "external_id;name;parent_external_id\nNY;Ny avdeling;DIR\nNY-1;Nytt team;NY\n",
    )
    .unwrap();
    let file = c.find(Locator::Id("import-file")).await.unwrap();
    file.clear().await.unwrap();
    file.send_keys(good.to_str().unwrap()).await.unwrap();
    click(c, Locator::Css("form.card button[type=submit]")).await;
    wait_text(c, "section.card", "Filen er i orden").await;
    click(c, Locator::Css("button.primary")).await;
    wait_text(c, "section.card", "Importen er gjennomført").await;
    reflows_at_320(c).await;
    shot(c, "import-applied").await;

    click(c, Locator::LinkText("Enheter")).await;
    let tree = wait_text(c, "ul.tree", "Nytt team").await;
    assert!(tree.contains("Ny avdeling"));
    axe(c, "units").await;
    reflows_at_320(c).await;
    shot(c, "tree").await;

    // The language choice applies at once and is kept.
    let select = c.find(Locator::Id("lang-select")).await.unwrap();
    select.select_by_value("en").await.unwrap();
    wait_text(c, "h1", "Unit tree").await;
    c.refresh().await.unwrap();
    wait_text(c, "h1", "Unit tree").await;
    b.close().await;
}

#[tokio::test]
async fn surv_1_admin_creates_launches_and_follows_a_survey() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Undersøkelser")).await;
    wait_text(c, "ul.cards", "Medarbeiderundersøkelsen 2026").await;
    axe(c, "surveys").await;

    // The demo survey is open: its rates show, small units hidden.
    click(
        c,
        Locator::XPath("//button[contains(., 'Vis svarprosent')]"),
    )
    .await;
    wait_text(c, "main", "Hele virksomheten").await;

    // A new survey: created as a draft, launched after a confirmation.
    wait_text(c, "form.card", "Opprett").await;
    c.find(Locator::Id("sv-title"))
        .await
        .unwrap()
        .send_keys("Pulsmåling")
        .await
        .unwrap();
    click(c, Locator::Css("form.card button[type=submit]")).await;
    wait_text(c, "ul.cards", "Pulsmåling").await;
    click(
        c,
        Locator::XPath("//button[contains(., 'Start undersøkelsen')]"),
    )
    .await;
    wait_text(c, "[role=alertdialog]", "Starte nå?").await;
    axe(c, "launch confirmation").await;
    click(
        c,
        Locator::XPath("//div[@role='alertdialog']//button[contains(., 'Ja')]"),
    )
    .await;
    for _ in 0..50 {
        let rows = c
            .find(Locator::Css("ul.cards"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !rows.contains("Utkast") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = c
        .find(Locator::Css("ul.cards"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!rows.contains("Utkast"), "the new survey is open: {rows}");
    reflows_at_320(c).await;
    shot(c, "surveys").await;
    b.close().await;
}

#[tokio::test]
async fn q_4_the_institute_drafts_saves_and_publishes_a_questionnaire_version() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in(c, &s, "processor_admin").await;
    click(c, Locator::LinkText("Spørreskjema")).await;
    wait_text(c, "table", "Publisert").await;
    axe(c, "questionnaires").await;

    // The published default: previewed, frozen, the start of a new draft.
    click(c, Locator::XPath("//button[contains(., 'Åpne')]")).await;
    wait_text(c, "#qv-heading", "Versjon 1").await;
    wait_text(c, "section.card", "Denne versjonen er publisert og låst.").await;
    wait_text(c, "section.card", "Slik ser respondentene det").await;
    axe(c, "questionnaire preview").await;
    click(c, Locator::XPath("//button[contains(., 'Nytt utkast')]")).await;
    wait_text(c, "#qv-heading", "Versjon 2").await;
    wait_text(c, "table", "Utkast").await;

    // A new title is saved; content that is not JSON is refused before it is sent.
    let title = c.find(Locator::Id("qd-title")).await.unwrap();
    title.clear().await.unwrap();
    title.send_keys("Spørreskjema 2027").await.unwrap();
    click(c, Locator::XPath("//button[contains(., 'Lagre utkastet')]")).await;
    wait_text(c, "[role=status]", "Lagret.").await;
    wait_text(c, "table", "Spørreskjema 2027").await;
    let json = c.find(Locator::Id("qd-json")).await.unwrap();
    json.clear().await.unwrap();
    json.send_keys("{").await.unwrap();
    click(c, Locator::XPath("//button[contains(., 'Lagre utkastet')]")).await;
    wait_text(c, "[role=alert]", "ikke gyldig JSON").await;
    shot(c, "questionnaire-editor").await;
    axe(c, "questionnaire editor with an error").await;
    reflows_at_320(c).await;

    // Publishing asks first, then freezes the version.
    click(c, Locator::XPath("//form//button[contains(., 'Publiser')]")).await;
    wait_text(c, "[role=alertdialog]", "aldri endres").await;
    let focused = c.active_element().await.unwrap().text().await.unwrap();
    assert!(
        focused.contains("Ja"),
        "the confirmation takes the focus, not {focused:?}"
    );
    click(
        c,
        Locator::XPath("//div[@role='alertdialog']//button[contains(., 'Ja')]"),
    )
    .await;
    wait_text(c, "section.card", "Denne versjonen er publisert og låst.").await;
    let rows = wait_text(c, "table", "Spørreskjema 2027").await;
    assert!(!rows.contains("Utkast"), "version 2 is published: {rows}");
    reflows_at_320(c).await;
    shot(c, "questionnaires").await;
    b.close().await;
}

#[tokio::test]
async fn role_1_an_admin_pages_through_every_employee_and_an_ended_session_returns_to_the_page() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Ansatte")).await;
    wait_text(c, ".pager span", "Side 1 / 6").await;
    axe(c, "employees").await;
    reflows_at_320(c).await;
    // Every page can be reached: Next until the last, then back one.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=6 {
        wait_text(c, ".pager span", &format!("Side {page} / 6")).await;
        // The label moves at once; the rows when their page has arrived.
        let mut rows = String::new();
        for _ in 0..100 {
            rows = wait_text(c, "table tbody", "@").await;
            if !seen.contains(&rows) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(seen.insert(rows), "page {page} shows new people");
        let next = c
            .find(Locator::XPath("//nav[@class='pager']//button[2]"))
            .await
            .unwrap();
        let label = next.text().await.unwrap();
        assert_eq!(label, "Neste", "the button says what it does, not code");
        if page < 6 {
            next.click().await.unwrap();
        } else {
            assert_eq!(
                next.attr("disabled").await.unwrap().as_deref(),
                Some("true")
            );
        }
    }
    click(c, Locator::XPath("//nav[@class='pager']//button[1]")).await;
    wait_text(c, ".pager span", "Side 5 / 6").await;
    // Searching narrows the list; every keystroke asks again, and only the
    // latest answer is shown.
    let search = c.find(Locator::Id("emp-search")).await.unwrap();
    search.send_keys("ansatt299").await.unwrap();
    wait_text(c, ".pager span", "Side 1 / 1").await;
    let rows = c
        .find_all(Locator::Css("table tbody tr"))
        .await
        .unwrap()
        .len();
    assert_eq!(rows, 1);

    // The session ends elsewhere (the person logs out on another device).
    let (email, pw) = s.demo_login("controller_admin");
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = other
        .post(s.url("/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": pw}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let res = other.post(s.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 204);
    // The next click says so, and logging in returns to the same page.
    search.clear().await.unwrap();
    search.send_keys("ansatt1").await.unwrap();
    wait_text(c, "h1", "Logg inn").await;
    wait_text(c, "main", "Økten din ble avsluttet").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or("")
        .contains("next=%2Femployees"));
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(&email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(&pw)
        .await
        .unwrap();
    click(c, Locator::Css("button[type=submit]")).await;
    wait_text(c, "h1", "Ansatte").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/employees");
    assert!(!s.logs().contains("csp violation"), "{}", s.logs());
    b.close().await;
}

#[tokio::test]
async fn a_page_that_does_not_exist_says_so_and_leads_home() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/finnes-ikke")).await.unwrap();
    wait_text(c, "h1", "Fant ikke siden").await;
    axe(c, "not found").await;
    click(c, Locator::LinkText("Til innlogging")).await;
    wait_text(c, "h1", "Logg inn").await;
    b.close().await;
}

#[tokio::test]
async fn role_1_an_admin_invites_a_leader_by_mail_and_sends_it_again() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Brukere")).await;
    wait_text(c, "h1", "Brukere").await;
    wait_text(c, "table", "Lars Leder").await;
    c.find(Locator::Id("inv-email"))
        .await
        .unwrap()
        .send_keys("ny.leder@direktoratet.demo")
        .await
        .unwrap();
    c.find(Locator::Id("inv-name"))
        .await
        .unwrap()
        .send_keys("Nina Ny")
        .await
        .unwrap();
    let units = c.find(Locator::Id("inv-units")).await.unwrap();
    units.select_by_index(0).await.unwrap();
    click(
        c,
        Locator::XPath("//button[contains(., 'Send invitasjon')]"),
    )
    .await;
    wait_text(c, "[role=status]", "sendt på e-post").await;
    // The page never shows a link: it went to the invitee's inbox.
    let page = c.source().await.unwrap();
    assert!(!page.contains("#token="));
    let row = wait_text(c, "table", "Nina Ny").await;
    assert!(row.contains("Invitert"), "{row}");
    click(
        c,
        Locator::XPath(
            "//tr[contains(., 'Nina Ny')]//button[contains(., 'Send invitasjonen på nytt')]",
        ),
    )
    .await;
    wait_text(c, "[role=status]", "gamle lenken").await;
    axe(c, "people").await;
    reflows_at_320(c).await;
    shot(c, "people").await;
    // The account page, and the way back in for someone who forgot.
    click(c, Locator::LinkText("Min konto")).await;
    wait_text(c, "h1", "Min konto").await;
    axe(c, "account").await;
    reflows_at_320(c).await;
    click(c, Locator::XPath("//button[contains(., 'Logg ut')]")).await;
    wait_text(c, "h1", "Logg inn").await;
    click(c, Locator::LinkText("Glemt passordet?")).await;
    wait_text(c, "h1", "Glemt passordet?").await;
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("noen@direktoratet.demo")
        .await
        .unwrap();
    click(c, Locator::Css("form button[type=submit]")).await;
    wait_text(c, "[role=status]", "Hvis adressen hører til en konto").await;
    axe(c, "forgot password").await;

    // Nina opens the newest mail (the resend voided the first link, or
    // dropped the first mail if it had not gone out yet).
    let links = invitation_links(&s, "ny.leder@direktoratet.demo").await;
    let newest = links.last().expect("an invitation mail").clone();
    let server = &s;
    let choose = |token: String| async move {
        // A link from a mail opens a fresh page (not a jump within this one).
        c.goto("about:blank").await.unwrap();
        c.goto(&server.url(&format!("/invitation#token={token}")))
            .await
            .unwrap();
        wait_text(c, "h1", "Velg passord").await;
        for id in ["new-password", "new-password2"] {
            c.find(Locator::Id(id))
                .await
                .unwrap()
                .send_keys("lang nok og helt min egen frase")
                .await
                .unwrap();
        }
        click(c, Locator::Css("form button[type=submit]")).await;
    };
    for voided in &links[..links.len() - 1] {
        choose(voided.clone()).await;
        wait_text(c, "[role=alert]", "Lenken er ugyldig, brukt eller utløpt").await;
    }
    choose("x".repeat(43)).await;
    wait_text(c, "[role=alert]", "Lenken er ugyldig, brukt eller utløpt").await;
    axe(c, "invitation").await;
    choose(newest).await;
    wait_text(c, "h1", "Oversikt").await;
    wait_text(c, "main", "Nina Ny").await;
    assert!(!s.logs().contains("csp violation"), "{}", s.logs());
    b.close().await;
}

/// The invitation links mailed to `to`, oldest first.
async fn invitation_links(s: &Server, to: &str) -> Vec<String> {
    for _ in 0..100 {
        let mut mails: Vec<(std::time::SystemTime, String)> =
            std::fs::read_dir(s.data_dir.join("mail"))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| {
                    let raw = std::fs::read_to_string(e.path()).ok()?;
                    let when = e.metadata().ok()?.modified().ok()?;
                    raw.contains(to).then_some((when, raw))
                })
                .collect();
        mails.sort();
        let links: Vec<String> = mails
            .iter()
            .filter_map(|(_, raw)| link_token(raw, "/invitation#token="))
            .collect();
        if !links.is_empty() {
            return links;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Vec::new()
}

/// Refresh requests the server has logged so far.
fn refreshes(s: &Server) -> usize {
    s.logs()
        .lines()
        .filter(|l| l.contains("path=/api/auth/refresh"))
        .count()
}

#[tokio::test]
async fn role_1_requests_that_expire_together_refresh_once_and_the_session_goes_on() {
    // Access tokens that live a second (plus the 5 s clock leeway every
    // token gets), and request lines in the log.
    let place = tillit_e2e::Place::fresh();
    let s = Server::start(
        place,
        &[("TILLIT_ACCESS_TTL_SECS", "1"), ("RUST_LOG", "info")],
    )
    .await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Enheter")).await;
    wait_text(c, "ul.tree", "Direktoratet").await;
    tokio::time::sleep(Duration::from_millis(6500)).await;
    let before = refreshes(&s);
    // The surveys page asks for two things at once, both with the expired token.
    click(c, Locator::LinkText("Undersøkelser")).await;
    wait_text(c, "ul.cards", "Medarbeiderundersøkelsen").await;
    wait_text(c, "form.card", "Opprett").await;
    let logs = s.logs();
    let tail: Vec<&str> = logs.lines().rev().take(15).collect();
    assert_eq!(
        refreshes(&s) - before,
        1,
        "one refresh for both requests: {tail:#?}"
    );
    assert!(
        !s.logs().contains("refresh token reused"),
        "nobody was logged out"
    );
    assert_eq!(c.current_url().await.unwrap().path(), "/surveys");
    b.close().await;
}

#[tokio::test]
async fn surv_3_a_leader_sees_what_they_can_do_and_rates_that_explain_what_is_hidden() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in(c, &s, "leader").await;
    // The overview says what a leader does here, and when reports come.
    wait_text(c, "main", "Som leder følger du svarprosenten").await;
    wait_text(c, "main", "Undersøkelsen pågår").await;
    axe(c, "leader home").await;
    click(c, Locator::LinkText("Undersøkelser")).await;
    wait_text(c, "ul.cards", "Medarbeiderundersøkelsen").await;
    // Nothing a leader cannot do is offered.
    let page = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("Start undersøkelsen") && !page.contains("Avslutt nå"),
        "{page}"
    );
    assert!(
        c.find(Locator::Id("sv-title")).await.is_err(),
        "no survey form for a leader"
    );
    click(
        c,
        Locator::XPath("//button[contains(., 'Vis svarprosent')]"),
    )
    .await;
    let heading = wait_text(c, "#rates-heading", "Medarbeiderundersøkelsen").await;
    assert!(heading.contains("Svarprosent"), "{heading}");
    axe(c, "leader rates").await;
    reflows_at_320(c).await;
    shot(c, "leader-rates").await;
    b.close().await;
}

#[tokio::test]
async fn surv_3_rep_9_the_admin_reads_rates_in_tree_order_with_hidden_units_explained() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Undersøkelser")).await;
    // The list arrives after the page: wait for it, as a person would.
    wait_text(c, "ul.cards", "Medarbeiderundersøkelsen").await;
    click(
        c,
        Locator::XPath("//button[contains(., 'Vis svarprosent')]"),
    )
    .await;
    let table = wait_text(c, "table.rates", "Hele virksomheten").await;
    // Small units are listed, with the reason instead of figures.
    assert!(table.contains("færre enn 6"), "{table}");
    // Norwegian numbers: a decimal comma before the per cent sign.
    assert!(table.contains(",0 %") || table.contains(" %"), "{table}");
    wait_text(c, "main", "telles likevel med").await;
    axe(c, "rates").await;
    reflows_at_320(c).await;
    // Units show their head count with sub-units.
    click(c, Locator::LinkText("Enheter")).await;
    wait_text(c, "ul.tree", "med underenheter").await;
    // The import page offers templates to start from.
    click(c, Locator::LinkText("Import fra HR")).await;
    let link = c
        .find(Locator::Css("a[href='/templates/employees.csv']"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("download").await.unwrap().as_deref(),
        Some("employees.csv")
    );
    let csv = reqwest::get(s.url("/templates/employees.csv"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("external_id,email,unit_external_id,language"));
    b.close().await;
}

#[tokio::test]
async fn a_researcher_is_told_that_nothing_is_ready_yet() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in(c, &s, "researcher").await;
    wait_text(c, "main", "Det er ingenting å laste ned ennå").await;
    axe(c, "researcher home").await;
    b.close().await;
}

/// REP-8, REP-9 in the browser: the admin goes from the menu to last
/// year's report, reads the units at a glance with hidden figures marked
/// and explained, sorts by a score (and back), shows the differences to
/// the previous survey, reads it in Nynorsk, opens a unit, reads its
/// questions, goes back and reloads; the summary prints for everyone.
#[tokio::test]
async fn rep_9_the_admin_reads_a_report_sorts_compares_and_opens_a_unit() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in_as_admin(c, &s).await;
    click(c, Locator::LinkText("Rapporter")).await;
    wait_text(c, "ul.cards", "Medarbeiderundersøkelsen 2025").await;
    // The open survey has no report yet, and says so.
    wait_text(
        c,
        "ul.cards",
        "Rapporten kommer når undersøkelsen er avsluttet",
    )
    .await;
    axe(c, "reports list").await;
    click(
        c,
        Locator::XPath("//li[h2[contains(., '2025')]]//a[contains(., 'Åpne rapporten')]"),
    )
    .await;
    let table = wait_text(c, "table.heatmap", "Hele virksomheten").await;
    assert!(table.contains("Digitalisering"), "{table}");
    // Small sections are hidden, each with its reason in the footnotes.
    let notes = wait_text(c, ".footnotes", "Færre enn 6 svar i gruppen").await;
    assert!(notes.contains("beskytte en mindre gruppe"), "{notes}");
    assert!(table.contains(':'), "{table}");
    axe(c, "report overview").await;
    reflows_at_320(c).await;
    shot(c, "report-overview").await;
    c.execute(
        "document.getElementById('heatmap-heading').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "report-heatmap").await;
    // Sort by the first score, highest first, then lowest first.
    let first = "table.heatmap thead th:nth-child(3)";
    click(c, Locator::Css(&format!("{first} button"))).await;
    let th = c.find(Locator::Css(first)).await.unwrap();
    assert_eq!(
        th.attr("aria-sort").await.unwrap().as_deref(),
        Some("descending")
    );
    click(c, Locator::Css(&format!("{first} button"))).await;
    assert_eq!(
        th.attr("aria-sort").await.unwrap().as_deref(),
        Some("ascending")
    );
    // Differences to the previous survey, with a clear one marked.
    let select = c.find(Locator::Id("versus")).await.unwrap();
    select.select_by_value("previous").await.unwrap();
    wait_text(c, "table.heatmap", "+").await;
    // In Nynorsk the report and its reasons read in Nynorsk; back to Bokmål.
    let picker = c.find(Locator::Id("lang-select")).await.unwrap();
    picker.select_by_value("nn").await.unwrap();
    wait_text(c, "#heatmap-heading", "Einingane samla").await;
    wait_text(c, ".footnotes", "Færre enn 6 svar i gruppa").await;
    picker.select_by_value("nb").await.unwrap();
    wait_text(c, "#heatmap-heading", "Enhetene samlet").await;
    // Open a department, read a topic's questions.
    click(c, Locator::LinkText("Digitalisering")).await;
    wait_text(c, "h1", "Digitalisering").await;
    wait_text(c, "main", "Resultater om ledelse beskriver lederne").await;
    wait_text(c, "main", "Beskyttende faktorer").await;
    click(c, Locator::Css("details.questions summary")).await;
    wait_text(c, "details.questions table", "n").await;
    let bars = c.find_all(Locator::Css("svg.bar title")).await.unwrap();
    assert!(
        !bars.is_empty(),
        "distributions are drawn, each with a text alternative"
    );
    // Downloads go through the session: no error after asking for one.
    click(
        c,
        Locator::XPath("//button[contains(., 'Last ned for Excel')]"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        c.find(Locator::Css("p.error")).await.is_err(),
        "the download failed"
    );
    axe(c, "group report").await;
    reflows_at_320(c).await;
    shot(c, "report-group").await;
    c.execute(
        "document.querySelector('details.questions').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "report-questions").await;
    // The unit's actions (their own app): this year's is there; record
    // another, then back to the unit's report.
    click(c, Locator::LinkText("Tiltak for enheten")).await;
    wait_text(c, "h1", "Tiltak for enheten: Digitalisering").await;
    wait_text(c, "main", "Tydelige mål for hvert team").await;
    c.find(Locator::Id("fu-title"))
        .await
        .unwrap()
        .send_keys("Månedlig tavlemøte")
        .await
        .unwrap();
    c.find(Locator::Id("fu-owner"))
        .await
        .unwrap()
        .send_keys("Kari Nordmann")
        .await
        .unwrap();
    click(c, Locator::Css("label[for=fu-safety]")).await;
    click(
        c,
        Locator::XPath("//form[.//input[@id='fu-title']]//button[@type='submit']"),
    )
    .await;
    wait_text(c, "main", "Månedlig tavlemøte").await;
    axe(c, "unit follow-up").await;
    c.back().await.unwrap();
    wait_text(c, "h1", "Digitalisering").await;
    // Back to the overview, and a reload keeps the page.
    c.back().await.unwrap();
    wait_text(c, "table.heatmap", "Hele virksomheten").await;
    c.refresh().await.unwrap();
    wait_text(c, "table.heatmap", "Hele virksomheten").await;
    // The summary for everyone: the agency's scores, printable.
    click(c, Locator::LinkText("Sammendrag for alle ansatte")).await;
    wait_text(c, "h1", "Sammendrag for alle ansatte").await;
    wait_text(c, "main", "Sterkeste resultater").await;
    axe(c, "report summary").await;
    // Follow-up across the agency: overdue first, progress per unit.
    click(c, Locator::LinkText("Tiltak")).await;
    let list = wait_text(c, "ul.cards", "Felles samling for alle regionene").await;
    assert!(list.starts_with("Felles samling"), "overdue first: {list}");
    wait_text(c, "table", "Tilsyn").await;
    let first = c.find(Locator::Css("ul.cards select")).await.unwrap();
    first.select_by_value("in_progress").await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(c.find(Locator::Css("ul.cards .error")).await.is_err());
    axe(c, "follow-ups").await;
    reflows_at_320(c).await;
    shot(c, "follow-ups").await;
    b.close().await;
}

/// A leader's report holds the groups they lead, nothing else.
#[tokio::test]
async fn rep_8_a_leader_sees_only_the_groups_they_lead() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.url("/login")).await.unwrap();
    log_in(c, &s, "leader").await;
    wait_text(c, "main", "Rapporten for enhetene dine er klar").await;
    click(c, Locator::LinkText("Se rapporten")).await;
    let table = wait_text(c, "table.heatmap", "Digitalisering").await;
    assert!(!table.contains("Hele virksomheten"), "{table}");
    assert!(!table.contains("Tilsyn"), "{table}");
    axe(c, "leader report").await;
    // Their actions only, with last year's showing how the topic moved.
    click(c, Locator::LinkText("Tiltak")).await;
    let list = wait_text(c, "ul.cards", "Faste medarbeidersamtaler").await;
    assert!(!list.contains("Felles samling"), "{list}");
    wait_text(c, "ul.cards", "Poeng i neste undersøkelse").await;
    b.close().await;
}
