app-title = apsdesk
demo-banner = DEMO — simulated APS account, no real money
production-banner = PRODUCTION — real money
sandbox-banner = Sandbox
simulator-banner = Simulator
custom-banner = Custom server (not APS)
banner-profile = Profile: { $profile } · { $environment } · Operator: { $operator }
loading-profile = Opening the account…
demo-loading = Loading the demo orders… { $done } of { $total }

nav-transactions = Transactions
nav-activity = Activity
nav-signature = Signature tool
nav-settings = Settings

language = Language
theme = Theme
theme-light = Light
theme-dark = Dark

search-hint = Search reference, fort_id, email, name, method, KNET ref…
filter-state = State
filter-currency = Currency
filter-any = Any
refresh = Refresh
export-csv = Export CSV…
orders-count = { $count ->
    [one] { $count } order
   *[other] { $count } orders
}
loading-more = Loading…

col-reference = Reference
capture-window-open = Authorized { $age ->
        [one] 1 day
       *[other] { $age } days
    } ago · capture window expires in { $left ->
        [one] 1 day
       *[other] { $left } days
    }
capture-window-passed = Past the 7-day capture window: APS refuses the capture
capture-window-unknown = Authorization time not known: capture window not counted
col-created = Date
date-recorded = recorded { $time }
date-recorded-hint = When the journal first saw this order. The payment's own time is not known yet (it comes with APS's transaction feedback).
col-state = State
col-option = Method
col-currency = Currency
col-amount = Amount
col-captured = Captured
col-refunded = Refunded
col-customer = Customer

detail-none = Select an order to see its details.
detail-totals = Totals
detail-authorized = Authorized
detail-captured = Captured
detail-refunded = Refunded
detail-remaining-capture = Left to capture
detail-remaining-refund = Left to refund
detail-fort-id = fort_id
detail-method = Payment method
detail-card = Card
detail-customer = Customer
detail-authorization-code = Authorization code
detail-knet-ref = KNET reference
detail-third-party = Third-party transaction number
detail-timeline = Timeline
detail-raw = Last response as received
detail-blocked = Operation { $operation } ({ $command }) is { $state }: reconcile before any capture, refund or void.
copy = Copy
copied = Copied { $what }

action-capture = Capture…
action-refund = Refund…
action-void = Void…
action-status = Check status
action-reconcile = Reconcile
action-close = Close
action-send = Send
action-cancel = Cancel

dialog-capture = Capture
dialog-refund = Refund
dialog-void = Void authorization
field-amount = Amount
field-currency = Currency
field-description = Order description
field-maintenance-reference = Maintenance reference
will-send = Will be sent
confirm-production = This is production. Type the amount ({ $amount }) to confirm
confirm-mismatch = The amount typed does not match.
sending = Sending…

outcome-succeeded = Succeeded
outcome-declined = Declined
outcome-uncertain = Uncertain: the money may have moved. Reconcile before trying again.
outcome-untrusted = Untrusted: the answer's signature did not check. Reconcile before trying again.
outcome-not-sent = Not sent
reconciled-applied = Reconciled: operation { $operation } was applied.
reconciled-not-applied = Reconciled: operation { $operation } was not applied; it may be retried.
reconciled-open = Operation { $operation } is still open: { $why }
reconciled-in-flight = Operation { $operation } was not touched: { $who }

state-unknown = Unknown
state-authorized = Authorized
state-partially_captured = Partly captured
state-captured = Captured
state-partially_refunded = Partly refunded
state-refunded = Refunded
state-voided = Voided
state-declined = Declined
state-not_found = Not found
state-link_open = Link open
state-link_paid = Link paid
state-link_expired = Link expired

activity-title = Operations
activity-verify = Verify the chain
activity-intact = Chain intact: { $count } entries checked.
activity-broken = Chain BROKEN at entry { $seq }: the record was changed after it was written.
activity-findings = Journal NOT intact: { $count } finding(s).
activity-operator = Operator
activity-command = Command
activity-outcome = Outcome
activity-code = Code
activity-time = Time

signature-title = Signature tool
signature-input = Request or response (JSON or form-encoded)
signature-sha-type = SHA type
signature-phrase-from = With the active profile's phrase:
signature-request-phrase = Sign a request (request phrase)
signature-response-phrase = Verify a response (response phrase)
signature-string = String to sign
signature-result = Signature
signature-valid = The signature in the input is valid.
signature-invalid = The signature in the input does NOT match.
signature-error = Cannot read the input: { $error }

nav-bulk = Bulk
bulk-title = Bulk operations
bulk-input = Merchant references, or CSV lines of merchant_reference,amount
bulk-use-selection = Use the listed orders
bulk-capture = Capture all
bulk-refund = Refund all
bulk-status = Check status of all
bulk-pause = Pause
bulk-resume = Resume
bulk-cancel = Cancel the rest
bulk-copy-results = Copy results as CSV
bulk-progress = { $done } of { $total } done
bulk-waiting = waiting
bulk-running = sending…
bulk-skipped = skipped
bulk-no-amount = no amount on this line

nav-links = Payment links
nav-tokens = Tokens
links-title = Create a payment link
links-list = Payment links created
links-refresh = Refresh statuses
field-merchant-reference = Merchant reference
field-customer-email = Customer email
field-customer-name = Customer name
field-customer-phone = Customer phone
field-expiry = Link expires on
field-notification = Notify the customer by
field-link-command = Payment
link-url = Link
link-created = Link created
tokens-title = Update a saved card token
field-token-name = Token name
field-token-status = Token status
field-token-expiry = New expiry (YYMM)
field-card-holder = New card holder name
field-new-token-name = New token name
token-keep = Unchanged
qr-code = QR code
action-receipt = Receipt…

nav-profiles = Profiles
profiles-title = Merchant profiles
profiles-none = No profiles yet: add one below. The demo needs none.
profile-test = Test
profile-use = Use
profile-remove = Remove
profile-add = Add or edit a profile (same name: edit)
profile-name = Profile name
profile-environment = Environment (sandbox, production or the simulator's URL)
profile-merchant-identifier = Merchant identifier
profile-sha-type = SHA type
profile-access-code = Access code
profile-request-phrase = SHA request phrase
profile-response-phrase = SHA response phrase
profile-name-en = Merchant name (English)
profile-name-ar = Merchant name (Arabic)
profile-time-zone = Time zone
profile-clear = Clear the form
profile-save = Save to the keyring
profile-saved = Profile { $name } saved; its secrets are in the keyring.
profile-switched = Now working on { $name }.
field-payment-option = Payment option (optional)
field-return-url = Return URL (optional)
bulk-load-csv = Load a CSV…
orders-scope = Orders of profile { $profile } ({ $environment }) only
bulk-scope = Acts on the account { $account } only
bulk-confirm = Confirm and start
confirm-account = Production account: { $account }
confirm-production-void = Type the merchant reference ({ $reference }) to confirm the void
confirm-reference-mismatch = The reference typed does not match.
signature-verify-missing = The input has no signature to verify.
signature-response-note = A response's signature is only verified here: the tool never produces one.

# The window's title and the About box (issue 14).
window-title = apsdesk — { $profile } · { $environment }
window-title-demo = apsdesk — demo (simulated, no real money)
title-production = PRODUCTION
title-sandbox = Sandbox
title-simulator = Simulator
title-custom = Custom endpoint
nav-about = About
about-title = About apsdesk
about-version = apsdesk { $version }
about-description = A desktop back office for merchants of Amazon Payment Services.
about-licence = apsdesk is free software under the MIT licence or the Apache License 2.0, at your choice.
about-fonts = Bundled fonts: Noto Sans and Noto Sans Arabic, under the SIL Open Font License 1.1.
about-third-party = The licences of the libraries it is built from are listed in THIRD-PARTY-LICENSES.txt, installed with the app.
about-licence-text = Licence text: { $licence }
about-close = Close
journal-already-open = This journal is already open in another apsdesk window: use that window.

# Issue 15: filters, selection, bulk preview
filter-method = Payment method
filter-amount-min = Amount from
filter-amount-max = Amount to
filter-amount-needs-currency = Choose a currency to filter by amount: amounts are read in its decimals.
filter-from = From
filter-to = To
filter-expiring = Expiring soon
filter-expiring-hint = Authorizations 5 to 7 days old with something left to capture: APS refuses the capture after day 7.
selection-count = { $count ->
    [one] 1 selected
   *[other] { $count } selected
}
select-all-filtered = Select all filtered
select-none = Clear selection
selection-capture = Capture selected…
selection-refund = Refund selected…
selection-status = Check status of selected…
select-all-too-many = More than { $limit } orders match: narrow the filters to select them all.
bulk-currency-unknown = currency not known here: list the order on Transactions (or check its status) first
bulk-nothing-to-capture = nothing left to capture
bulk-nothing-to-refund = nothing left to refund
bulk-preview = { $account }: { $action } — { $count ->
    [one] 1 order
   *[other] { $count } orders
}, totalling { $totals }.
bulk-preview-skipped = { $count ->
    [one] 1 row will not be sent (the row says why).
   *[other] { $count } rows will not be sent (each says why).
}
bulk-confirm-type-total = Production: type the total shown ({ $totals }) to start
palette-title = Go to or do…
palette-hint = Type a screen or an action (Ctrl+K)
palette-nothing = Nothing matches.
palette-clear-filters = Clear all filters
palette-capture-shown = Capture the shown order…
palette-refund-shown = Refund the shown order…
palette-status-shown = Check the status of the shown order
palette-english = Switch to English
palette-arabic = Switch to Arabic
palette-theme = Switch between light and dark
palette-recall-view = View: { $name }
views-title = Saved views
views-choose = Recall…
views-save = Save view…
views-name = View name
views-save-named = Save
views-saved = View “{ $name }” saved
bulk-sent-before-closing = sent before apsdesk closed: its result is in the order's timeline
bulk-interrupted = A bulk run was cut short when apsdesk closed: { $sent } of { $total } rows had been sent. Bulk shows the rest, to run or cancel.
bulk-save-results = Save results as CSV…
