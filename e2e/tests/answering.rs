//! RESP-2 at 360 x 740, as an employee does it: opens the link, reads who
//! asks, answers every topic (the focus lands on each new heading), uses
//! the phone's Back button, reloads mid-way without losing anything,
//! changes one topic from the review, sends, copies the receipt, and later
//! withdraws research consent with it. Every page is checked with axe-core.

use std::time::Duration;

use fantoccini::{Client, Locator};
use tillit_e2e::page::{wait_for, wait_text};
use tillit_e2e::{artifacts, axe, link_token, reflows_at_320, Browser, Server};

async fn heading(c: &Client) -> String {
    wait_for(c, "#step-heading").await.text().await.unwrap()
}

async fn progress(c: &Client) -> String {
    wait_for(c, ".progress-label").await.text().await.unwrap()
}

/// Waits for the progress label to satisfy `ok` (after Back or Forward the
/// old page may still be on screen for a moment).
async fn progress_until(c: &Client, ok: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(".progress-label")).await {
            if let Ok(t) = el.text().await {
                if ok(&t) {
                    return t;
                }
                last = t;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the progress label stayed at {last:?}");
}

/// The id of the element that has the focus.
async fn focused(c: &Client) -> String {
    for _ in 0..20 {
        let id = c
            .execute(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await
            .unwrap();
        if id.as_str() == Some("step-heading") {
            return "step-heading".into();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.execute("return document.activeElement.tagName;", vec![])
        .await
        .unwrap()
        .to_string()
}

/// Picks the first option of every question on the page.
async fn answer_page(c: &Client) -> usize {
    let groups = c.find_all(Locator::Css("fieldset.question")).await.unwrap();
    for g in &groups {
        let label = g.find(Locator::Css(".opt label")).await.unwrap();
        label.click().await.unwrap();
    }
    groups.len()
}

async fn primary(c: &Client) {
    c.find(Locator::Css(".actions.nav button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn dsr_1_resp_2_a_whole_survey_on_a_phone_with_back_reload_and_change() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    // A Bokmål reader's invitation (RESP-3: the survey opens in it).
    let token = link_token(&mail_in(&s, "nb"), "/s#t=").unwrap();
    c.goto(&s.url(&format!("/s#t={token}"))).await.unwrap();
    let title = heading(c).await;
    assert!(title.contains("Medarbeider"), "{title}");
    // The intro: how long it takes, who asks, Start near the top, the
    // notice a tap away, and a research choice that is off by default.
    let lead = c
        .find(Locator::Css("p.lead"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        lead.contains("minutt") && lead.contains("spørsmål"),
        "{lead}"
    );
    let who = c
        .find(Locator::Css("dl.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(who.contains("Direktoratet for demonstrasjon"), "{who}");
    c.find(Locator::Css("details.notice-link summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .find(Locator::Css("details.notice-link"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("§ 3-1"), "{notice}");
    let consent = c.find(Locator::Id("research-consent")).await.unwrap();
    assert_eq!(
        consent.prop("checked").await.unwrap().as_deref(),
        Some("false")
    );
    consent.click().await.unwrap();
    // The logo is no way out to the staff login.
    assert!(c.find(Locator::Css("header .brand a")).await.is_err());
    axe(c, "intro").await;
    reflows_at_320(c).await;
    std::fs::write(
        artifacts().join("survey-intro.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let mut answered = 0;
    let mut pages = 0;
    loop {
        let here = progress(c).await;
        pages += 1;
        // The focus is on the new step's heading, not left on the body.
        assert_eq!(focused(c).await, "step-heading", "page {pages}");
        answered += answer_page(c).await;
        assert!(c
            .find(Locator::Css("details.notice-link summary"))
            .await
            .is_ok());
        if pages == 1 {
            reflows_at_320(c).await;
            axe(c, "first topic").await;
            std::fs::write(
                artifacts().join("survey-topic.png"),
                c.screenshot().await.unwrap(),
            )
            .unwrap();
        }
        if pages == 3 {
            // The phone's Back button goes back one step, not out of the survey.
            let step_2 = |t: &str| t.starts_with("Side 2 ");
            c.back().await.unwrap();
            progress_until(c, step_2).await;
            assert_eq!(
                c.current_url().await.unwrap().path(),
                "/s",
                "still in the survey"
            );
            c.forward().await.unwrap();
            progress_until(c, |t| t == here).await;
            // The connection drops, the phone reloads: nothing is lost.
            c.refresh().await.unwrap();
            assert_eq!(
                progress(c).await,
                here,
                "the reload returns to the same page"
            );
            let checked = c
                .find_all(Locator::Css(".opt input:checked"))
                .await
                .unwrap()
                .len();
            assert!(checked > 0, "answers survive the reload");
            // And Back still works after the reload.
            c.back().await.unwrap();
            progress_until(c, step_2).await;
            c.forward().await.unwrap();
            progress_until(c, |t| t == here).await;
        }
        primary(c).await;
        tokio::time::sleep(Duration::from_millis(80)).await;
        if c.find(Locator::Css(".progress-label")).await.is_err() {
            break;
        }
        assert!(pages < 40);
    }
    assert!(
        pages >= 10 && answered >= 50,
        "{pages} pages, {answered} answers"
    );
    // The review: "Change" says which topic, and leads back to the review.
    let review = heading(c).await;
    assert_eq!(review, "Se over svarene");
    axe(c, "review").await;
    let change = c.find(Locator::Css("section.card button")).await.unwrap();
    let label = change.text().await.unwrap();
    let topic = c
        .find(Locator::Css("section.card h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let accessible = change
        .find(Locator::Css(".sr-only"))
        .await
        .unwrap()
        .html(true)
        .await
        .unwrap();
    assert!(
        accessible.contains(&topic),
        "'{label}' names {topic}: {accessible}"
    );
    change.click().await.unwrap();
    assert_eq!(heading(c).await, topic);
    let back_to_review = c
        .find(Locator::Css(".actions.nav button.primary"))
        .await
        .unwrap();
    assert!(back_to_review.text().await.unwrap().contains("se over"));
    back_to_review.click().await.unwrap();
    assert_eq!(heading(c).await, review);
    primary(c).await;
    let receipt = wait_for(c, ".receipt").await.text().await.unwrap();
    assert!(receipt.len() >= 20, "{receipt}");
    assert_eq!(focused(c).await, "step-heading");
    // The receipt says what it is good for, and where.
    let withdraw = c.find(Locator::Css("a[href$='/withdraw']")).await.unwrap();
    assert!(withdraw.text().await.unwrap().ends_with("/withdraw"));
    c.find(Locator::Css("section.card.ok button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    axe(c, "receipt").await;
    std::fs::write(
        artifacts().join("survey-receipt.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // A reload shows the receipt again, not an error; Back stays on it.
    c.refresh().await.unwrap();
    assert_eq!(wait_for(c, ".receipt").await.text().await.unwrap(), receipt);
    c.back().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    if c.current_url().await.unwrap().path() == "/s" {
        assert_eq!(wait_for(c, ".receipt").await.text().await.unwrap(), receipt);
    }
    // Later: the withdrawal page, with the code alone.
    withdraw_consent(c, &s, &receipt).await;
    b.close().await;
}

async fn withdraw_consent(c: &Client, s: &Server, receipt: &str) {
    c.goto(&s.url("/withdraw")).await.unwrap();
    heading(c).await;
    axe(c, "withdraw").await;
    c.find(Locator::Id("receipt-code"))
        .await
        .unwrap()
        .send_keys(receipt)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = wait_for(c, "p.card.ok").await.text().await.unwrap();
    assert!(done.contains("trukket tilbake"), "{done}");
}

/// An invitation mail the demo's sender wrote, in `lang`.
fn mail_in(s: &Server, lang: &str) -> String {
    for _ in 0..100 {
        if let Ok(dir) = std::fs::read_dir(s.data_dir.join("mail")) {
            for e in dir.flatten() {
                let raw = std::fs::read_to_string(e.path()).unwrap_or_default();
                let text = raw.replace("=\r\n", "").replace("=3D", "=");
                if text.contains(&format!("lang=\"{lang}\"")) && text.contains("/s#t=") {
                    return raw;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no invitation mail in {lang}");
}

#[tokio::test]
async fn resp_3_a_link_sent_in_nynorsk_opens_in_nynorsk_until_the_person_picks_another() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    // A browser where someone chose Bokmål on the staff pages before.
    c.goto(&s.url("/login")).await.unwrap();
    wait_for(c, "#lang-select")
        .await
        .select_by_value("nb")
        .await
        .unwrap();
    let mail = mail_in(&s, "nn");
    let token = link_token(&mail, "/s#t=").unwrap();
    c.goto(&s.url(&format!("/s#t={token}"))).await.unwrap();
    heading(c).await;
    let start = c
        .find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(start.contains("undersøkinga"), "Nynorsk: {start}");
    assert_eq!(
        c.execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap(),
        "nn"
    );
    // The person picks English; a reload keeps their pick.
    c.find(Locator::Id("lang-select"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    wait_text(c, "button.primary", "Start").await;
    c.refresh().await.unwrap();
    heading(c).await;
    wait_text(c, "button.primary", "Start the survey").await;
    b.close().await;
}

#[tokio::test]
async fn dsr_4_the_opt_out_link_in_the_mail_asks_and_then_stops_reminders() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    let mail = mail_in(&s, "nb");
    let token = link_token(&mail, "/opt-out#t=").expect("an opt-out link in the text");
    assert_ne!(Some(token.clone()), link_token(&mail, "/s#t="));
    c.goto(&s.url(&format!("/opt-out#t={token}")))
        .await
        .unwrap();
    heading(c).await;
    axe(c, "opt-out").await;
    reflows_at_320(c).await;
    // Opening the page changed nothing yet: it asks first.
    c.find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = wait_for(c, "p.card.ok").await.text().await.unwrap();
    assert!(done.contains("påminnelser"), "{done}");
    b.close().await;
}
