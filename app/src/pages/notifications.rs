//! Notifications, with the reminder settings and the calendar feed.

use crate::api::commitments::{
    get_mail_preferences, list_notifications, CreateCalendarFeed, MarkNotificationsRead,
    SetMailPreferences, SetReminderDays,
};
use crate::components::{field_error, use_me, use_unread, ErrorBox};
use crate::model::{MailDelivery, Permission};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let me = use_me();
    let admin = me.may(Permission::ManageMembers);
    let unread = use_unread();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let data = Resource::new(move || mark.version().get(), |_| list_notifications());
    let days =
        admin.then(|| Resource::new(|| (), |_| crate::api::commitments::get_reminder_days()));
    let set_days = ServerAction::<SetReminderDays>::new();
    let feed = ServerAction::<CreateCalendarFeed>::new();
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                    Ok(n) => {
                        unread.set(n.unread);
                        Either::Right(view! {
                            <p data-testid="unread-summary">{format!("{} unread", n.unread)}
                                {(n.unread > 0).then(|| view! {
                                    " "<button type="button" data-testid="mark-all-read" on:click=move |_| { mark.dispatch(MarkNotificationsRead { id: None }); }>"Mark all read"</button>
                                })}
                            </p>
                            {if n.items.is_empty() {
                                Either::Left(view! { <p class="muted">"Nothing yet. Reminders before due dates and news about your commitments appear here."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="notifications" data-testid="notifications">
                                        {n.items.into_iter().map(|x| {
                                            let id = x.id;
                                            view! {
                                                <li class:unread=!x.read data-kind=x.kind.clone()>
                                                    <a href=x.link.clone() on:click=move |_| { if !x.read { mark.dispatch(MarkNotificationsRead { id: Some(id) }); } }>{x.title.clone()}</a>
                                                    <div class="small">{x.body.clone()}</div>
                                                    <div class="small muted">{x.created.clone()}</div>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        })
                    }
                }
            })}
        </Suspense>
        <MailChoices/>
        <section class="card">
            <h2>"Due dates in your calendar"</h2>
            <p class="muted">"A private address for your calendar program with the due dates of your organization's open commitments. Anyone with the address can read them: keep it to yourself. Creating a new one stops the old one."</p>
            <ActionForm action=feed attr:class="inline">
                <button type="submit" data-testid="create-feed">"Create calendar address"</button>
            </ActionForm>
            {move || feed.value().get().map(|r| match r {
                Ok(url) => Either::Left(view! { <p>"Subscribe to: "<code data-testid="feed-url">{url}</code></p> }),
                Err(e) => Either::Right(view! { <ErrorBox error=e/> }),
            })}
        </section>
        {days.map(|days| view! {
            <section class="card">
                <h2>"Reminders for your organization"</h2>
                <p class="muted">"Days before a due date (commitments, questionnaires, certificates) on which your people are reminded. Overdue commitments escalate to the asset owner's reviewers."</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let current = days.await.unwrap_or_default();
                        view! {
                            <ActionForm action=set_days attr:class="inline">
                                <label for="reminder-days">"Days before"</label>
                                <input id="reminder-days" name="days" value=current maxlength="40"/>
                                <button type="submit">"Save"</button>
                            </ActionForm>
                            {field_error(set_days.value(), "reminder_days")}
                            {move || set_days.value().get().and_then(|r| r.ok()).map(|d| view! { <p class="alert info" role="status">{format!("Reminders go out {d} days before.")}</p> })}
                        }
                    })}
                </Suspense>
            </section>
        })}
    }
}

/// The user's choice, per kind of notification, of e-mail at once, a daily
/// summary, or none. A plain form: works without script.
#[component]
fn MailChoices() -> impl IntoView {
    let set = ServerAction::<SetMailPreferences>::new();
    let value = set.value();
    let current = Resource::new(|| (), |_| get_mail_preferences());
    view! {
        <section class="card" data-testid="mail-preferences">
            <h2>"E-mail about notifications"</h2>
            <p class="muted">"Every notification appears here. For each kind, choose whether it also comes by e-mail at once, in one summary each morning with the day before, or not by e-mail. Invitations and password e-mails always come at once."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => Either::Left(view! { <ErrorBox error=e/> }),
                        Ok(prefs) => Either::Right(view! {
                            <ActionForm action=set attr:class="mail-choices">
                                <table class="table">
                                    <thead><tr><th scope="col">"Kind"</th><th scope="col">"What it covers"</th><th scope="col">"E-mail"</th></tr></thead>
                                    <tbody>
                                        {prefs.topics.into_iter().map(|(topic, delivery)| {
                                            let id = format!("mail-{}", topic.as_str());
                                            view! {
                                                <tr data-topic=topic.as_str()>
                                                    <th scope="row"><label for=id.clone()>{topic.label()}</label></th>
                                                    <td class="small muted">{topic.describe()}</td>
                                                    <td>
                                                        <select id=id name=topic.as_str()>
                                                            {MailDelivery::ALL.into_iter().map(|d| view! { <option value=d.as_str() selected=d == delivery>{d.label()}</option> }).collect_view()}
                                                        </select>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <button type="submit" class="primary" data-testid="save-mail-preferences">"Save e-mail choices"</button>
                            </ActionForm>
                        }),
                    }
                })}
            </Suspense>
            {move || value.get().map(|r| match r {
                Ok(_) => Either::Left(view! { <p class="alert info" role="status" data-testid="mail-preferences-saved">"Saved. From now on your e-mail follows these choices."</p> }),
                Err(e) => Either::Right(view! { <ErrorBox error=e/> }),
            })}
        </section>
    }
}
