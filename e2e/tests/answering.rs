//! RESP-2 at 360 x 740: an employee opens the link, reads the notice,
//! answers every topic, reloads mid-way without losing anything, reviews,
//! sends, and gets a receipt. Every page is checked with axe-core.

use std::time::Duration;

use fantoccini::{Client, Locator};
use tillit_e2e::{artifacts, axe, reflows_at_320, Browser, Server};

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            return el;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = std::fs::write(
        artifacts().join("answering-failure.png"),
        c.screenshot().await.unwrap_or_default(),
    );
    panic!("{css} never appeared");
}

async fn heading(c: &Client) -> String {
    wait_for(c, "#step-heading").await.text().await.unwrap()
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

#[tokio::test]
async fn resp_2_dsr_1_a_whole_survey_on_a_phone_with_a_reload_midway() {
    let s = Server::start_demo().await;
    let b = Browser::start(360, 740).await;
    let c = &b.client;
    c.goto(&s.demo_respondent_link()).await.unwrap();
    let title = heading(c).await;
    assert!(title.contains("Medarbeiderundersøkelsen"), "{title}");
    // RESP-1: the notice and a consent choice that is off by default.
    let notice = c
        .find(Locator::Css("dl.notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("Direktoratet for demonstrasjon") && notice.contains("§ 3-1"));
    let consent = c.find(Locator::Id("research-consent")).await.unwrap();
    assert_eq!(
        consent.prop("checked").await.unwrap().as_deref(),
        Some("false")
    );
    axe(c, "notice").await;
    std::fs::write(
        artifacts().join("survey-notice.png"),
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
        let progress = wait_for(c, ".progress-label").await.text().await.unwrap();
        pages += 1;
        answered += answer_page(c).await;
        // DSR-1: the privacy notice is reachable from every page.
        let notice = c
            .find(Locator::Css("details.notice-link summary"))
            .await
            .unwrap();
        if pages == 2 {
            notice.click().await.unwrap();
            let text = c
                .find(Locator::Css("details.notice-link"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(text.contains("§ 3-1"), "{text}");
        }
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
            // The connection drops, the phone reloads: nothing is lost.
            c.refresh().await.unwrap();
            let again = wait_for(c, ".progress-label").await.text().await.unwrap();
            assert_eq!(again, progress, "the reload returns to the same page");
            let checked = c
                .find_all(Locator::Css(".opt input:checked"))
                .await
                .unwrap()
                .len();
            assert!(checked > 0, "answers survive the reload");
        }
        let next = c
            .find(Locator::Css(".actions.nav button.primary"))
            .await
            .unwrap();
        next.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        if c.find(Locator::Css(".progress-label")).await.is_err() {
            break;
        }
        assert!(pages < 40);
    }
    assert!(
        pages >= 10 && answered >= 50,
        "{pages} pages, {answered} answers"
    );
    // Review, then back one page and forward again.
    heading(c).await;
    axe(c, "review").await;
    c.find(Locator::Css(".actions.nav button:not(.primary)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, ".progress-label").await;
    c.find(Locator::Css(".actions.nav button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.find(Locator::Css(".actions.nav button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let receipt = wait_for(c, ".receipt").await.text().await.unwrap();
    assert!(receipt.len() >= 20, "{receipt}");
    axe(c, "receipt").await;
    std::fs::write(
        artifacts().join("survey-receipt.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // A reload shows the receipt again, not an error.
    c.refresh().await.unwrap();
    assert_eq!(wait_for(c, ".receipt").await.text().await.unwrap(), receipt);
    b.close().await;
}
