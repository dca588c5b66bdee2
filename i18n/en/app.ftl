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

search-hint = Search reference, APS transaction number, email, name, method, KNET ref…
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
orders-empty = No orders on this account yet: they appear once a payment is looked up (search a reference and press Enter), a file is imported, or APS sends its feedback.
orders-empty-filtered = No order matches these filters.
detail-totals = Totals
detail-authorized = Authorized
detail-captured = Captured
detail-refunded = Refunded
detail-remaining-capture = Left to capture
detail-remaining-refund = Left to refund
detail-fort-id = APS transaction number (fort_id)
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
will-send = Technical details (what will be sent)
dialog-title = { $operation } · order { $reference }
dialog-send-capture = Capture { $amount }
dialog-send-refund = Refund { $amount }
dialog-send-void = Void the authorization of { $amount }
dialog-order = Order { $reference } · Customer: { $customer }
dialog-customer-unknown = not known
dialog-left-capture = Left to capture: { $left }
dialog-left-capture-after = Left to capture: { $left } now, { $after } after this capture
dialog-left-refund = Left to refund: { $left }
dialog-left-refund-after = Left to refund: { $left } now, { $after } after this refund
dialog-void-releases = Releases the authorization of { $amount }: nothing of it can be captured afterwards.
dialog-void-final = This cannot be undone. To take the payment after a void, the customer must pay again.
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
activity-order = Order
activity-amount = Amount
activity-copy-csv = Copy as CSV
activity-filter-hint = Operator, order or result
activity-sent-no-answer = sent, no answer recorded
activity-empty = No operations on this account yet: captures, refunds, voids and status checks appear here as they are sent.
activity-empty-filtered = No operation matches the filter: clear it to see them all.
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
profile-environment = Environment
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
field-payment-option = Payment method
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
journal-already-open-heading = apsdesk is already open
notice-close = Close

# Issue 12: Check status with the third-party response codes
action-status-third-party = with third-party response codes
detail-third-party-codes = Third-party response codes
detail-processor-response-code = Processor response code
detail-processor-response-message = Processor response message
detail-acquirer-response-code = Acquirer response code
detail-acquirer-response-message = Acquirer response message

# Issue 15: receipts at the counter
field-invoice-number = Invoice number (optional)
field-credit-note-number = Credit note number (optional)
action-print = Print…
action-print-receipt = Print receipt…
paper-a4 = A4
paper-roll = 80 mm roll
signed-apple-pay = Paid with Apple Pay: signed with the profile's Apple Pay credentials
apple-pay-set-missing = Paid with Apple Pay, and this profile has no Apple Pay credentials: the desk will refuse to send it

# What the desk and the backend report, in words (issue 12 point 10).
command-authorization = Authorization
command-purchase = Purchase
command-capture = Capture
command-void-authorization = Void
command-refund = Refund
command-check-status = Status check
command-update-token = Token update
command-payment-link = Payment link
command-check-payment-link-status = Link status check
command-get-installments-plans = Instalment plans
entry-request = Sent
entry-result = Answer
entry-feedback = Feedback from APS
entry-imported = Imported from a file
entry-accepted = Journal accepted as it was (after a verify)
entry-drift = APS's figures differ from the journal's
entry-acknowledgement = Difference acknowledged
entry-resolution = Reconciliation
entry-outcome-succeeded = succeeded
entry-outcome-declined = declined
entry-outcome-uncertain = uncertain
entry-outcome-untrusted = untrusted
entry-outcome-not-sent = not sent
entry-outcome-applied = applied
entry-outcome-not-applied = not applied
entry-outcome-unresolved = still open
open-state-pending = waiting for an answer
timeline-line = #{ $operation } · { $time } · { $kind }: { $command } { $amount } { $outcome } { $answer }
toast-operation = { $command } { $reference }: { $outcome }
toast-saved = Saved: { $path }
toast-saved-not-opened = Saved to { $path }, but no program could open it to print (no PDF viewer is set up): open that file to print it.
held-by-operation = operation { $operation } by { $operator } is in flight since { $since } UTC
held-by-process = the order is held by { $operator } (process { $pid } on { $host }) since { $since } UTC
send-not-connected = Could not connect to { $url }; nothing was sent. Check the network and the profile's environment.
send-not-built = The request could not be prepared; nothing was sent.
send-empty-values = The request has empty values ({ $names }), which APS must never receive; nothing was sent.
failure-transport = The connection broke after sending: the money may have moved. Reconcile before trying again.
failure-http = APS answered with HTTP status { $status }.
failure-unreadable = APS's answer could not be read.
failure-signature-missing = APS's answer has no signature.
failure-signature-mismatch = APS's answer's signature does not match: check the profile's SHA response phrase.
failure-signature-valid = APS's answer's signature is valid.
failure-oversized = APS's answer was far larger than any real answer ({ $bytes } bytes): it was not read, and the operation stays open until it is reconciled.
failure-mismatch = APS's signed answer is about something else ({ $fields } do not match what was sent): it proves nothing, and the operation stays open until it is reconciled.
evidence-order-not-found = APS does not find the order.
evidence-no-totals = APS's status answer has no totals.
evidence-no-answer = the status check did not give an answer ({ $outcome } { $detail })
unsettled-not-found = the order was not found before or after.
unsettled-other-movement = the total moved by { $delta } minor units, not by the operation's { $amount }: another operation happened meanwhile.
unsettled-no-last-status = APS's status answer does not say the order's last transaction status.
unsettled-not-reconcilable = a { $command } cannot be reconciled by a status check.
unsettled-no-longer-open = the operation is no longer open.
unsettled-other-account = it was sent with account { $sent } ({ $sent_environment }); this window uses { $desk } ({ $desk_environment }): reconcile it with the account it was sent with.
unsettled-order-missing = the order is missing from the journal.
unsettled-no-baseline = the operation was recorded without the totals from before it.
unsettled-clock-behind = this computer's clock stands { $seconds } s behind the journal: how long APS has had the request cannot be told. Correct the clock, then reconcile again.
unsettled-ambiguous = the totals moved by the operation's amount, but APS's figures for the order already differed from the journal's (entry { $entry }, not acknowledged): the movement may be somebody else's. Check the order, acknowledge the difference, then reconcile again.
unsettled-may-still-be-at-aps = no answer was received and APS may still be working on it: wait { $seconds } s more.
settled-applied = { $command }, operation { $operation }, was applied at APS: nothing sent.
settled-not-applied = { $command }, operation { $operation }, did not happen at APS: nothing sent; it may be sent again.
settled-open = { $command }, operation { $operation }, is still open ({ $why }): nothing sent; reconcile it first.
settled-in-flight = { $who }: nothing sent.
problem-invalid = Not sent: { $errors }
problem-in-flight = Not sent: { $who }.
problem-no-baseline = Not sent: the order's totals could not be read from APS ({ $why }).
problem-journal-stopped = The journal takes no new entry; nothing was sent. { $why } Verify the journal from the command line and decide: restore a verified backup, or accept the journal as it is (the decision is recorded).
problem-journal-before-sending = The journal could not record the request; nothing was sent. See the log.
problem-journal-after-sending = The journal failed after the request may have left: reconcile the order.
task-journal = The journal could not be read or written: another program may hold it, or the disk is full. Close other programs using it, check the disk, then press Refresh.
problem-drift = APS's figures for order { $reference } differ from this journal's. APS says: { $aps }. The journal knew: { $journal }. Somebody moved money this journal did not see (another desk, APS's back office, the shop, or a journal put back from a copy). Nothing was sent: check the order, then acknowledge the difference before any capture, refund or void.
drift-heading = APS's figures differ from this journal's
action-acknowledge-drift = I have checked: acknowledge the difference
drift-acknowledged = The difference on { $reference } is acknowledged: its next capture, refund or void reads APS's figures again first.
drift-none-left = { $reference } has no difference left to acknowledge.
task-error-acknowledge = The acknowledgement could not be recorded in the journal; nothing changed. Try again; if it keeps failing, run Verify on the Activity screen.
drift-figures = authorized { $authorized }, captured { $captured }, refunded { $refunded }{ $voided ->
    [yes] , voided
   *[no] {""}
}
task-order-gone = Order { $order } is no longer in the journal.
task-not-saved = Not saved: no file was chosen (the save dialog was closed, or none could open). Choose the action again and pick a file.
task-no-file-chosen = No file chosen.
task-read-file = Could not read { $path }.
task-receipt = The receipt could not be made: the order could not be read, or the file could not be written there. Choose another folder and try again.
task-export = The export could not be written to that file: choose a folder you may write to and export again.
task-profile = The profiles or the system keyring could not be used: unlock the keyring (sign in to the desktop session), then try again.
task-reconcile = Reconciliation could not run now (APS did not answer, or the journal is busy): the operations stay open. Press Reconcile again in a moment.
task-stopped = A background task stopped before it finished; nothing more of it will happen. Try the action again, and restart apsdesk if it repeats.
task-output-journals-own = Nothing was saved: { $path } is { $what }, and apsdesk never writes over it. Choose another file.
task-output-same-file = Nothing was saved: { $path } is another name of { $what } ({ $file }), and apsdesk never writes over it. Choose another file.
task-output-exists = Nothing was saved: { $path } already exists, and this save does not replace files. Choose another name.
task-output-no-free-name = Nothing was saved: { $path } and every numbered name beside it are taken. Choose another folder.
output-file-journal = the journal
output-file-wal = the journal's write-ahead log
output-file-shm = the journal's shared-memory file
output-file-rollback = the journal's rollback file
output-file-anchor = the journal's anchor
output-file-before-restore = a journal kept by a restore
output-file-bulk-run = the journal's record of a bulk run
output-file-lock = the journal's lock file
output-file-named-after-journal = one of the journal's files (named after it, beside it)
task-no-data-directory = This system names no folder for the journal.
task-journal-lock = The journal’s lock file could not be taken: check that the journal’s folder may be written, then restart apsdesk.
task-demo-feedback = The demo could not load its history. Restart apsdesk to try again.
task-views = The saved views could not be written to disk; this session still shows them.
task-bulk-record = The record of a bulk run, kept beside the journal, could not be written or read: check that folder. A run that could not be recorded was not started.
task-import = The file could not be imported: nothing of it was recorded.
task-confirm-imports = The imported orders could not be confirmed with APS now: they stay waiting and are checked again at the next start.
task-not-in-journal = No order { $reference } in this account's journal.
# Forms (issue 15).
form-field-error = { $field }: { $problem }
form-missing = required: fill it in
form-more-than-left = is more than the order has left ({ $left })
form-purchase-only = { $method } is paid by purchase only: choose “{ $purchase }”
field-other = Field
profile-fix-environment = choose where the requests go: the sandbox, production or the simulator
profile-fix-name = use 1 to 64 letters, digits, spaces, - _ or .
profile-fix-merchant-identifier = type the identifier from the APS back office (1 to 20 characters)
profile-fix-sha-type = choose SHA-256, SHA-512, HMAC-256, HMAC-512 or SHA-128, as set in the APS back office
profile-fix-time-zone = type an IANA time zone such as Europe/London, or choose one from the list
profile-fix-other = check this value
profile-unknown = There is no profile named { $name }.
profile-exists = A profile named { $name } already exists.
bulk-row-unreadable = row { $line }: not readable as CSV (check its quotes and separators)
bulk-row-fields = row { $line }: { $count } fields; expected a reference and an amount (is the amount written with a comma?)
bulk-row-problem = row { $line }: { $problem }
bulk-row-amount = row { $line }: amount “{ $amount }” is not a plain number: write it with digits and one decimal point, without thousands separators (e.g. 1000.50)
notification-none = Do not notify
notification-email = By email
notification-sms = By text message (SMS)
notification-email-sms = By email and text message
link-command-purchase = Purchase (charged now)
link-command-authorization = Authorization (captured later)
payment-option-any = Any method
payment-option-visa = Visa
payment-option-mastercard = Mastercard
payment-option-amex = American Express
payment-option-mada = mada
payment-option-meeza = Meeza
payment-option-knet = KNET
payment-option-benefit = BENEFIT
payment-option-omannet = OmanNet
payment-option-naps = NAPS
payment-option-stcpay = STC Pay
payment-option-other = Other method
token-status-active = Active
token-status-inactive = Inactive
# Icons' words (issue 15).
sorted-ascending = { $column }, sorted smallest first
sorted-descending = { $column }, sorted largest first
copy-what = Copy { $what }
signature-not-json = it starts like JSON but is not valid JSON
signature-not-object = it is JSON but not an object ({ "{" }…{ "}" })
signature-duplicate-key = the parameter { $key } appears twice
# What journal verify finds (Activity).
finding-unkeyed = nowhere (unkeyed)
finding-key-unavailable = Entries from { $from } on are keyed and could not be checked: the journal's key is not available (unlock the keyring).
finding-truncated = Truncated: the anchor records { $anchored } entries, the journal has { $present }: { $missing } entries are missing.
finding-anchor-mismatch = Entry { $seq } is not the one anchored: the chain was rewritten.
finding-anchor-not-signed = The anchor is not signed by this journal's key: someone without it wrote it.
finding-anchor-other-journal = The anchor belongs to another journal ({ $journal }): the journal file was replaced.
finding-anchor-missing = The journal was anchored, and its anchor is gone or unreadable.
finding-rolled-back = Rolled back: this computer last recorded the journal at { $witnessed } entries, and it has { $present }: { $missing } entries are missing (an older copy was put back). New entries are refused until this is decided.
finding-witness-diverged = Rolled back: entry { $seq } is not the one this computer last recorded: the journal was replaced by another copy. New entries are refused until this is decided.
finding-witness-not-signed = This computer's record of the journal's last entry (in the keyring) is not signed by the journal's key: someone without it wrote it.
finding-witness-unreadable = This computer's record of the journal's last entry (in the keyring) could not be read: unlock the keyring.
finding-keying-removed = The keyring holds a key for this journal, and the journal records no keyed entries: its keying was removed to rewrite the chain without the key.
finding-keying-changed = The journal says its chain is keyed from entry { $journal }, its anchor says from { $anchor }: the journal's identity was edited.
finding-order-differs = The order { $reference }: { $field } is { $recorded }, its entries make it { $rebuilt }.
finding-order-missing = Order id { $order } has entries and no row.
finding-open-missing = The order { $reference }: operation { $operation } is open by its entries and missing from the open operations: the order is unblocked.
finding-open-unexplained = The order { $reference }: operation { $operation } is listed open, and its entries closed it (or never opened it).
finding-open-state = The order { $reference }: operation { $operation } is recorded in another state than its entries say.

## Look up on a miss, and Import…
lookup-miss-none = No order { $reference } in the journal.
lookup-miss = Look up { $reference } at APS
nav-import = Import…
import-title = Import orders from a CSV file
import-explain = An APS report or your own order system's export. The file's amounts are never taken as APS's: each imported order is then checked with APS, and its money comes from that answer.
import-file = File
import-open = Open
import-choose = Choose…
import-file-hash = { $file } (SHA-256 { $sha })
import-already = This file was imported on { $time }: importing it again adds nothing.
import-columns = Columns and the journal fields they hold
import-ignored = (ignored)
import-first-rows = The first rows
import-counts = { $importable } rows will be imported, { $refused } refused.
import-run = Import { $count } rows
import-recorded = { $imported } rows imported, { $refused } refused. Checking each with APS…
import-confirming = Checked with APS: { $done } of { $total }
import-confirmed = { $confirmed } orders confirmed by APS, { $pending } still waiting (they are checked again at the next start).

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
selection-count-hidden = { $count } selected, { $hidden } hidden by the filter: actions take the { $shown } shown
selection-hidden-left-out = { $hidden ->
    [one] 1 selected order the filter hides is left out.
   *[other] { $hidden } selected orders the filter hides are left out.
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
bulk-skip-more-than-left = more than the order has left
bulk-skip-changed-since-preview = the order changed since the preview: more than is left now
bulk-more-than-left = more than the order has left ({ $left } left): change the amount, or leave the row out
bulk-changed-since-preview = the order changed since the preview: { $left } is left now; preview again
bulk-preview = { $account }: { $action } — { $count ->
    [one] 1 order
   *[other] { $count } orders
}, totalling { $totals }.
bulk-preview-skipped = { $count ->
    [one] 1 row will not be sent (the row says why).
   *[other] { $count } rows will not be sent (each says why).
}
bulk-confirm-type-total = Production: type the total shown ({ $totals }) to start
bulk-skipped-because = skipped: { $why }
bulk-preview-skipped-reason = { $count } × { $reason }
bulk-skip-unreadable = not readable as CSV
bulk-skip-too-many-fields = more fields than a reference and an amount
bulk-skip-invalid-fields = a field APS would refuse
bulk-skip-amount-not-plain = amount not written as a plain number
bulk-skip-amount-in-currency = amount the order’s currency cannot take
bulk-skip-not-found-at-aps = APS does not know this order
bulk-skip-status-not-answered = no trusted answer to the status check: check the order’s status, then run it again
bulk-skip-currency-changed = the order’s currency is not the one the preview showed
bulk-skip-cancelled = cancelled
bulk-skip-wrong-state = the order’s state does not allow it
bulk-skip-wrong-state-named = the order is { $state }: its state does not allow it
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
views-replaced = View “{ $name }” replaced
views-deleted = View “{ $name }” deleted
views-delete = Delete view “{ $name }”
views-delete-ask = Delete the view “{ $name }”? Its filters and sort are kept nowhere else.
views-delete-confirm = Delete
views-replace-ask = A view named “{ $name }” exists. Replace it with the current filters and sort?
views-replace-confirm = Replace
views-set-aside = The saved views file could not be read. It was kept, unchanged, as { $path }; this profile starts with no saved views.
views-unreadable = The saved views file { $path } could not be read nor moved aside: it is left as it is, and views saved now last this session only.
palette-delete-view = Delete view: { $name }
bulk-sent-before-closing = sent before apsdesk closed, and answered: its result is in the order's timeline
bulk-unanswered-before-closing = sent before apsdesk closed, without an answer: it is never sent again; apsdesk settles it from APS's status (see Activity)
bulk-row-repeated = the same order as an earlier row: a run sends each order once
profile-switch-bulk-running = A bulk run is going: wait for it to finish (or cancel the rest) before switching profile.
task-bulk-record-of-profile = A bulk run of profile { $profile } was cut short when apsdesk closed and has not been reported there yet: open that profile first (its record is kept beside the journal). Nothing was sent.
bulk-interrupted-elsewhere = A bulk run of profile { $profile } was cut short when apsdesk closed: open that profile to see which rows were sent and run or cancel the rest.
bulk-interrupted = A bulk run was cut short when apsdesk closed: { $sent } of { $total } rows had been sent ({ $unanswered } without an answer: never sent again, settled from APS's status). Bulk shows the rest, to run or cancel.
bulk-save-results = Save results as CSV…

## Profile form: closed choices (issue 15)
profile-simulator-url = Simulator address
profile-fix-simulator-url = type the simulator's address on this computer, such as http://127.0.0.1:8080
environment-choice-sandbox = Sandbox (APS test system)
environment-choice-production = Production (real payments)
environment-choice-simulator = Simulator on this computer
sha-type-sha256 = SHA-256
sha-type-sha512 = SHA-512
sha-type-hmac256 = HMAC-256
sha-type-hmac512 = HMAC-512
sha-type-legacy-sha128 = SHA-128 (older accounts only)

## Import: the journal's fields by their words (issue 15)
import-field-fort-id = APS transaction number
import-field-transaction-date = Transaction date
import-no-reference = No column holds the { $field }: choose “{ $field }” for the column that does.
import-field-twice = { $field } is chosen for two columns ({ $first } and { $second }): set one of them to “(ignored)”.
import-no-header = The file has no header row: its first line must name the columns.
import-row-field-error = line { $line }: { $field }: { $problem }
import-row-error = line { $line }: { $problem }

## Profile form: the receipts' time zone by its words (issue 15)
profile-time-zone-other = Time zone (its IANA name)
time-zone-utc = UTC (none set)
time-zone-other = Another time zone…
time-zone-kuwait = Kuwait
time-zone-riyadh = Saudi Arabia (Riyadh)
time-zone-dubai = United Arab Emirates (Dubai)
time-zone-bahrain = Bahrain
time-zone-qatar = Qatar
time-zone-muscat = Oman (Muscat)
time-zone-cairo = Egypt (Cairo)
time-zone-amman = Jordan (Amman)
time-zone-beirut = Lebanon (Beirut)
