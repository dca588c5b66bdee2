app-title = apsdesk
demo-banner = تجريبي — حساب APS محاكى، لا أموال حقيقية
production-banner = الإنتاج — أموال حقيقية
sandbox-banner = بيئة الاختبار
simulator-banner = المحاكي
custom-banner = خادم مخصص (ليس APS)
banner-profile = الملف: { $profile } · { $environment } · المشغل: { $operator }
loading-profile = جارٍ فتح الحساب…
demo-loading = جارٍ تحميل الطلبات التجريبية… { $done } من { $total }

nav-transactions = المعاملات
nav-activity = السجل
nav-signature = أداة التوقيع
nav-settings = الإعدادات

language = اللغة
theme = المظهر
theme-light = فاتح
theme-dark = داكن

search-hint = ابحث بالمرجع أو رقم المعاملة لدى APS أو البريد أو الاسم أو طريقة الدفع أو مرجع كي نت…
filter-state = الحالة
filter-currency = العملة
filter-any = الكل
refresh = تحديث
export-csv = تصدير CSV…
orders-count = { $count ->
    [zero] لا طلبات
    [one] طلب واحد
    [two] طلبان
    [few] { $count } طلبات
    [many] { $count } طلباً
   *[other] { $count } طلب
}
loading-more = جارٍ التحميل…

col-reference = المرجع
capture-window-open = عمر التفويض { $age ->
        [zero] أقل من يوم
        [one] يوم واحد
        [two] يومان
        [few] { $age } أيام
        [many] { $age } يوماً
       *[other] { $age } يوم
    }، تنتهي مهلة تحصيله بعد { $left ->
        [zero] أقل من يوم
        [one] يوم واحد
        [two] يومين
        [few] { $left } أيام
        [many] { $left } يوماً
       *[other] { $left } يوم
    }
capture-window-passed = انقضت مهلة التحصيل، سترفضه APS
capture-window-unknown = وقت التفويض غير معروف، فلا تُحسب مهلة التحصيل
col-created = التاريخ
date-recorded = سُجّل { $time }
date-recorded-hint = وقت أول ظهور لهذا الطلب في السجل. وقت الدفع نفسه غير معروف بعد (يصل مع إشعار المعاملة من APS).
col-state = الحالة
col-option = الطريقة
col-currency = العملة
col-amount = المبلغ
col-captured = المحصّل
col-refunded = المسترد
col-customer = العميل

detail-none = اختر طلباً لعرض تفاصيله.
orders-empty = لا طلبات على هذا الحساب بعد: تظهر عند البحث عن مرجع دفعة (اكتبه واضغط زر الإدخال) أو استيراد ملف أو وصول إشعارات APS.
orders-empty-filtered = لا طلب يطابق هذه التصفية.
detail-totals = المجاميع
detail-authorized = المبلغ المُصرَّح به
detail-captured = المحصّل
detail-refunded = المسترد
detail-remaining-capture = المتبقي للتحصيل
detail-remaining-refund = المتبقي للاسترداد
detail-fort-id = رقم المعاملة لدى APS
detail-method = طريقة الدفع
detail-card = البطاقة
detail-customer = العميل
detail-authorization-code = رمز التفويض
detail-knet-ref = الرقم المرجعي لكي نت
detail-third-party = رقم عملية الطرف الثالث
detail-timeline = التسلسل الزمني
detail-raw = آخر رد كما ورد
detail-blocked = العملية { $operation } ({ $command }) حالتها { $state }: يجب التسوية قبل أي تحصيل أو استرداد أو إبطال.
copy = نسخ
copied = تم نسخ { $what }

action-capture = تحصيل…
action-refund = استرداد…
action-void = إبطال…
action-status = الاستعلام عن الحالة
action-reconcile = تسوية
action-close = إغلاق
action-send = إرسال
action-cancel = إلغاء الأمر

dialog-capture = تحصيل
dialog-refund = استرداد
dialog-void = إبطال التفويض
field-amount = المبلغ
field-currency = العملة
field-description = وصف الطلب
field-maintenance-reference = مرجع العملية
will-send = التفاصيل التقنية (ما سيُرسل)
dialog-title = { $operation } · الطلب { $reference }
dialog-send-capture = تحصيل { $amount }
dialog-send-refund = استرداد { $amount }
dialog-send-void = إبطال تفويض بمبلغ { $amount }
dialog-order = الطلب { $reference } · العميل: { $customer }
dialog-customer-unknown = غير معروف
dialog-left-capture = المتبقي للتحصيل: { $left }
dialog-left-capture-after = المتبقي للتحصيل: { $left } الآن، و{ $after } بعد هذا التحصيل
dialog-left-refund = المتبقي للاسترداد: { $left }
dialog-left-refund-after = المتبقي للاسترداد: { $left } الآن، و{ $after } بعد هذا الاسترداد
dialog-void-releases = يُحرِّر التفويض بمبلغ { $amount }: لن يمكن تحصيل أي جزء منه بعد ذلك.
dialog-void-final = لا يمكن التراجع عن هذا. لتحصيل الدفعة بعد الإبطال يجب أن يدفع العميل من جديد.
confirm-production = هذه بيئة الإنتاج. اكتب المبلغ ({ $amount }) للتأكيد
confirm-mismatch = المبلغ المكتوب غير مطابق.
sending = جارٍ الإرسال…

outcome-succeeded = نجحت العملية
outcome-declined = رُفضت العملية
outcome-uncertain = غير مؤكدة: ربما تحركت الأموال. قم بالتسوية قبل المحاولة مجدداً.
outcome-untrusted = غير موثوقة: توقيع الرد غير صحيح. قم بالتسوية قبل المحاولة مجدداً.
outcome-not-sent = لم تُرسل
reconciled-applied = تمت التسوية: العملية { $operation } طُبقت.
reconciled-not-applied = تمت التسوية: العملية { $operation } لم تُطبق؛ يمكن إعادة المحاولة.
reconciled-open = العملية { $operation } ما زالت مفتوحة: { $why }
reconciled-in-flight = لم تُمسّ العملية { $operation }: { $who }

state-unknown = غير معروف
state-authorized = مُصرَّح به
state-partially_captured = محصّل جزئياً
state-captured = محصّل
state-partially_refunded = مسترد جزئياً
state-refunded = مسترد
state-voided = مُبطَل
state-declined = مرفوض
state-not_found = غير موجود
state-link_open = رابط مفتوح
state-link_paid = رابط مدفوع
state-link_expired = رابط منتهٍ

activity-title = العمليات
activity-verify = تحقق من السلسلة
activity-intact = السلسلة سليمة: تم فحص { $count } قيد.
activity-broken = السلسلة مكسورة عند القيد { $seq }: تم تعديل السجل بعد كتابته.
activity-findings = السجل ليس سليمًا: { $count } ملاحظة.
activity-operator = المشغل
activity-command = الأمر
activity-outcome = النتيجة
activity-code = الرمز
activity-order = الطلب
activity-amount = المبلغ
activity-copy-csv = انسخ بصيغة CSV
activity-filter-hint = المشغّل أو الطلب أو النتيجة
activity-sent-no-answer = أُرسلت، ولم يُسجَّل رد
activity-empty = لا عمليات على هذا الحساب بعد: تظهر هنا عمليات التحصيل والاسترداد والإبطال والتحقق من الحالة عند إرسالها.
activity-empty-filtered = لا عملية تطابق التصفية: امسحها لترى الكل.
activity-time = الوقت

signature-title = أداة التوقيع
signature-input = الطلب أو الرد (JSON أو نموذج)
signature-sha-type = نوع SHA
signature-phrase-from = العبارة من الملف النشط
signature-request-phrase = توقيع طلب (عبارة الطلب)
signature-response-phrase = التحقق من رد (عبارة الرد)
signature-string = النص المراد توقيعه
signature-result = التوقيع
signature-valid = التوقيع في المدخل صحيح.
signature-invalid = التوقيع في المدخل غير مطابق.
signature-error = تعذرت قراءة المدخل: { $error }

nav-bulk = العمليات المجمعة
bulk-title = العمليات المجمعة
bulk-input = مراجع تجارية، أو أسطر CSV فيها المرجع ثم المبلغ
bulk-use-selection = استخدم الطلبات المعروضة
bulk-capture = تحصيل الكل
bulk-refund = استرداد الكل
bulk-status = الاستعلام عن حالة الكل
bulk-pause = إيقاف مؤقت
bulk-resume = استئناف
bulk-cancel = إلغاء الباقي
bulk-copy-results = نسخ النتائج بصيغة CSV
bulk-progress = اكتمل { $done } من { $total }
bulk-waiting = بالانتظار
bulk-running = جارٍ الإرسال…
bulk-no-amount = لا يوجد مبلغ في هذا السطر

nav-links = روابط الدفع
nav-tokens = الرموز
links-title = إنشاء رابط دفع
links-list = روابط الدفع المنشأة
links-refresh = تحديث الحالات
field-merchant-reference = المرجع التجاري
field-customer-email = بريد العميل
field-customer-name = اسم العميل
field-customer-phone = هاتف العميل
field-expiry = ينتهي الرابط في
field-notification = إشعار العميل عبر
field-link-command = نوع الدفع
link-url = الرابط
link-created = تم إنشاء الرابط
tokens-title = تحديث رمز بطاقة محفوظة
field-token-name = اسم الرمز
field-token-status = حالة الرمز
field-token-expiry = تاريخ الانتهاء الجديد (YYMM)
field-card-holder = اسم حامل البطاقة الجديد
field-new-token-name = اسم الرمز الجديد
token-keep = دون تغيير
qr-code = رمز QR
action-receipt = إيصال…

nav-profiles = الملفات الشخصية
profiles-title = الملفات الشخصية
profiles-none = لا ملفات شخصية بعد: أضف ملفاً شخصياً أدناه. الوضع التجريبي لا يحتاج ملفاً شخصياً.
profile-test = اختبار
profile-use = استخدام
profile-remove = حذف
profile-add = إضافة ملف أو تعديله (الاسم نفسه: تعديل)
profile-name = اسم الملف
profile-environment = البيئة
profile-merchant-identifier = معرّف التاجر
profile-sha-type = نوع SHA
profile-access-code = رمز الوصول
profile-request-phrase = عبارة طلب SHA
profile-response-phrase = عبارة رد SHA
profile-name-en = اسم التاجر بالإنجليزية
profile-name-ar = اسم التاجر بالعربية
profile-time-zone = المنطقة الزمنية
profile-clear = امسح النموذج
profile-save = حفظ في سلسلة المفاتيح
profile-saved = تم حفظ الملف { $name }؛ الأسرار في سلسلة المفاتيح.
profile-switched = العمل الآن على { $name }.
field-payment-option = وسيلة الدفع
field-return-url = رابط العودة (اختياري)
bulk-load-csv = تحميل ملف CSV…
orders-scope = طلبات الملف { $profile } ({ $environment }) فقط
bulk-scope = يعمل على الحساب { $account } فقط
bulk-confirm = أكّد وابدأ
confirm-account = حساب الإنتاج: { $account }
confirm-production-void = اكتب المرجع التجاري ({ $reference }) لتأكيد الإبطال
confirm-reference-mismatch = المرجع المكتوب غير مطابق.
signature-verify-missing = لا يحتوي المدخل على توقيع للتحقق منه.
signature-response-note = يُتحقق هنا من توقيع الرد فقط: الأداة لا تنتج توقيع رد أبداً.

# عنوان النافذة ونافذة «حول» (المسألة 14).
window-title = apsdesk — { $profile } · { $environment }
window-title-demo = apsdesk — عرض تجريبي (محاكاة، لا أموال حقيقية)
title-production = الإنتاج
title-sandbox = بيئة الاختبار
title-simulator = المحاكي
title-custom = خادم مخصص
nav-about = حول
about-title = حول apsdesk
about-version = apsdesk { $version }
about-description = مكتب خلفي على سطح المكتب لتجار خدمات الدفع من أمازون.
about-licence = apsdesk برنامج حر بموجب رخصة MIT أو رخصة Apache 2.0، حسب اختيارك.
about-fonts = الخطوط المرفقة: Noto Sans وNoto Sans Arabic، بموجب رخصة SIL Open Font License 1.1.
about-third-party = رخص المكتبات التي بُني منها مدرجة في الملف THIRD-PARTY-LICENSES.txt المثبت مع البرنامج.
about-licence-text = نص الرخصة: { $licence }
about-close = إغلاق
journal-already-open = هذا السجل مفتوح بالفعل في نافذة apsdesk أخرى: استخدم تلك النافذة.
journal-already-open-heading = apsdesk مفتوح بالفعل
notice-close = إغلاق

# Issue 12: Check status with the third-party response codes
action-status-third-party = مع رموز استجابة الطرف الثالث
detail-third-party-codes = رموز استجابة الطرف الثالث
detail-processor-response-code = رمز استجابة جهة المعالجة
detail-processor-response-message = رسالة جهة المعالجة
detail-acquirer-response-code = رمز استجابة البنك المستحوذ
detail-acquirer-response-message = رسالة البنك المستحوذ

# Issue 15: receipts at the counter
field-invoice-number = رقم الفاتورة (اختياري)
field-credit-note-number = رقم إشعار دائن (اختياري)
action-print = طباعة…
action-print-receipt = طباعة الإيصال…
paper-a4 = A4
paper-roll = لفافة 80 مم
signed-apple-pay = دُفع عبر Apple Pay: يُوقَّع ببيانات Apple Pay الخاصة بالملف
apple-pay-set-missing = دُفع عبر Apple Pay وهذا الملف لا يملك بيانات Apple Pay: لن يُرسَل الطلب

# What the desk and the backend report, in words (issue 12 point 10).
command-authorization = تفويض
command-purchase = شراء
command-capture = تحصيل
command-void-authorization = إبطال التفويض
command-refund = استرداد
command-check-status = استعلام عن الحالة
command-update-token = تحديث الرمز
command-payment-link = رابط دفع
command-check-payment-link-status = استعلام عن حالة الرابط
command-get-installments-plans = خطط التقسيط
entry-request = أُرسل
entry-result = الرد
entry-feedback = إشعار من APS
entry-imported = مستورد من ملف
entry-accepted = قُبل السجل على حاله (بعد التحقق)
entry-drift = أرقام APS تختلف عن أرقام السجل
entry-acknowledgement = تم الإقرار بالاختلاف
entry-resolution = التسوية
entry-outcome-succeeded = نجح
entry-outcome-declined = رُفض
entry-outcome-uncertain = غير مؤكد
entry-outcome-untrusted = غير موثوق
entry-outcome-not-sent = لم يُرسل
entry-outcome-applied = طُبّق
entry-outcome-not-applied = لم يُطبّق
entry-outcome-unresolved = ما زال مفتوحاً
open-state-pending = بانتظار الرد
timeline-line = #{ $operation } · { $time } · { $kind }: { $command } { $amount } { $outcome } { $answer }
toast-operation = { $command } { $reference }: { $outcome }
toast-saved = حُفظ: { $path }
toast-saved-not-opened = حُفظ في { $path }، لكن لم يفتحه أي برنامج للطباعة (لا عارض PDF مُعدّ): افتح ذلك الملف لطباعته.
held-by-operation = العملية { $operation } للمشغّل { $operator } قيد التنفيذ منذ { $since } بالتوقيت العالمي
held-by-process = الطلب محجوز لدى { $operator } (العملية { $pid } على { $host }) منذ { $since } بالتوقيت العالمي
send-not-connected = تعذّر الاتصال بـ { $url }؛ لم يُرسل شيء. تحقق من الشبكة ومن بيئة الملف الشخصي.
send-not-built = تعذّر إعداد الطلب؛ لم يُرسل شيء.
send-empty-values = في الطلب قيم فارغة ({ $names }) يجب ألا تصل إلى APS أبداً؛ لم يُرسل شيء.
failure-transport = انقطع الاتصال بعد الإرسال: ربما تحركت الأموال. قم بالتسوية قبل المحاولة مجدداً.
failure-http = ردّت APS برمز حالة { $status }.
failure-unreadable = تعذّرت قراءة رد APS.
failure-signature-missing = رد APS بلا توقيع.
failure-signature-mismatch = توقيع رد APS غير مطابق: تحقق من عبارة الاستجابة في الملف الشخصي.
failure-signature-valid = توقيع رد APS صحيح.
failure-oversized = رد APS أكبر بكثير من أي رد حقيقي ({ $bytes } بايت): لم تتم قراءته، وتبقى العملية مفتوحة حتى تتم مطابقتها.
failure-mismatch = رد APS الموقَّع يخص شيئًا آخر (لا يطابق ما أُرسل في: { $fields }): لا يثبت شيئًا، وتبقى العملية مفتوحة حتى تتم مطابقتها.
evidence-order-not-found = لا تجد APS هذا الطلب.
evidence-no-totals = رد الاستعلام من APS بلا مجاميع.
evidence-no-answer = لم يُعطِ الاستعلام عن الحالة جواباً ({ $outcome } { $detail })
unsettled-not-found = لم يُعثر على الطلب قبل العملية أو بعدها.
unsettled-other-movement = تغيّر المجموع بمقدار { $delta } من الوحدات الصغرى لا بمقدار العملية { $amount }: جرت عملية أخرى في الأثناء.
unsettled-no-last-status = رد الاستعلام من APS لا يذكر آخر حالة لمعاملة الطلب.
unsettled-not-reconcilable = لا تمكن تسوية { $command } بالاستعلام عن الحالة.
unsettled-no-longer-open = لم تعد العملية مفتوحة.
unsettled-other-account = أُرسلت بالحساب { $sent } ({ $sent_environment })؛ وهذه النافذة تستخدم { $desk } ({ $desk_environment }): قم بتسويتها بالحساب الذي أُرسلت به.
unsettled-order-missing = الطلب غير موجود في السجل.
unsettled-no-baseline = سُجّلت العملية دون المجاميع السابقة لها.
unsettled-clock-behind = ساعة هذا الحاسوب متأخرة { $seconds } ثانية عن السجل: لا يمكن معرفة المدة التي قضاها الطلب لدى APS. صحّح الساعة ثم أعد المطابقة.
unsettled-ambiguous = تغيّرت المجاميع بمبلغ العملية، لكن أرقام APS للطلب كانت تختلف أصلًا عن أرقام السجل (القيد { $entry }، دون إقرار): قد تكون الحركة لغيرك. راجع الطلب وأقِرّ بالاختلاف ثم أعد المطابقة.
unsettled-may-still-be-at-aps = لم يصل رد وربما ما زالت APS تعالجها: انتظر { $seconds } ثانية أخرى.
settled-applied = { $command }، العملية { $operation }، طُبّقت لدى APS: لم يُرسل شيء.
settled-not-applied = { $command }، العملية { $operation }، لم تحدث لدى APS: لم يُرسل شيء؛ يمكن إرسالها مجدداً.
settled-open = { $command }، العملية { $operation }، ما زالت مفتوحة ({ $why }): لم يُرسل شيء؛ قم بتسويتها أولاً.
settled-in-flight = { $who }: لم يُرسل شيء.
problem-invalid = لم يُرسل: { $errors }
problem-in-flight = لم يُرسل: { $who }.
problem-no-baseline = لم يُرسل: تعذّرت قراءة مجاميع الطلب من APS ({ $why }).
problem-journal-stopped = لا يقبل السجل قيوداً جديدة؛ لم يُرسل شيء. { $why } تحقّق من السجل من سطر الأوامر واتخذ قراراً: استعد نسخة احتياطية سليمة، أو اقبل السجل على حاله (ويُدوَّن القرار).
problem-journal-before-sending = تعذّر على السجل تدوين الطلب؛ لم يُرسل شيء. راجع ملف السجل.
problem-journal-after-sending = تعطّل السجل بعد أن ربما غادر الطلب: قم بتسوية الطلب.
task-journal = تعذّرت قراءة السجل أو الكتابة فيه: ربما يستخدمه برنامج آخر أو القرص ممتلئ. أغلق البرامج التي تستخدمه وتحقق من القرص ثم اضغط تحديث.
problem-drift = أرقام APS للطلب { $reference } تختلف عن أرقام هذا السجل. تقول APS: { $aps }. وكان السجل يعرف: { $journal }. حرّك أحدهم أموالًا لم يرها هذا السجل (مكتب آخر، أو لوحة APS، أو المتجر، أو سجل أُعيد من نسخة قديمة). لم يُرسل شيء: راجع الطلب، ثم أقِرّ بالاختلاف قبل أي تحصيل أو استرداد أو إبطال.
drift-heading = أرقام APS تختلف عن أرقام هذا السجل
action-acknowledge-drift = راجعتُ الطلب: أُقِرّ بالاختلاف
drift-acknowledged = تم الإقرار بالاختلاف في الطلب { $reference }: أي تحصيل أو استرداد أو إبطال تالٍ يقرأ أرقام APS من جديد أولًا.
drift-none-left = لا يوجد في الطلب { $reference } اختلاف للإقرار به.
task-error-acknowledge = تعذّر تسجيل الإقرار في السجل؛ لم يتغير شيء. حاول مرة أخرى، وإن تكرر الفشل فشغّل التحقق من شاشة النشاط.
drift-figures = المصرَّح به { $authorized }، المحصَّل { $captured }، المسترد { $refunded }{ $voided ->
    [yes] ، مُبطَل
   *[no] {""}
}
task-order-gone = الطلب { $order } لم يعد في السجل.
task-not-saved = لم يُحفظ: لم يُختر ملف (أُغلقت نافذة الحفظ أو تعذّر فتحها). اختر الإجراء من جديد وحدّد ملفاً.
task-no-file-chosen = لم يُختر ملف.
task-read-file = تعذّرت قراءة { $path }.
task-receipt = تعذّر إنشاء الإيصال: تعذّرت قراءة الطلب أو كتابة الملف هناك. اختر مجلداً آخر وحاول مجدداً.
task-export = تعذّرت كتابة التصدير في ذلك الملف: اختر مجلداً يمكنك الكتابة فيه وصدّر من جديد.
task-profile = تعذّر استخدام الملفات الشخصية أو سلسلة مفاتيح النظام: افتح سلسلة المفاتيح (سجّل الدخول إلى جلسة سطح المكتب) ثم حاول مجدداً.
task-reconcile = تعذّر إجراء التسوية الآن (لم تُجب APS أو السجل مشغول): تبقى العمليات مفتوحة. اضغط تسوية من جديد بعد قليل.
task-stopped = توقفت مهمة في الخلفية قبل أن تكتمل، ولن يحدث منها شيء آخر. أعد المحاولة، وأعد تشغيل البرنامج إن تكرر ذلك.
task-output-journals-own = لم يُحفظ شيء: { $path } هو { $what }، ولا يُكتب فوقه أبدًا. اختر ملفًا آخر.
task-output-same-file = لم يُحفظ شيء: { $path } اسم آخر لـ{ $what } ({ $file })، ولا يُكتب فوقه أبدًا. اختر ملفًا آخر.
task-output-exists = لم يُحفظ شيء: { $path } موجود من قبل، وهذا الحفظ لا يستبدل الملفات. اختر اسمًا آخر.
task-output-no-free-name = لم يُحفظ شيء: { $path } وكل الأسماء المرقّمة بجانبه مأخوذة. اختر مجلدًا آخر.
output-file-journal = السجل
output-file-wal = سجل الكتابة المسبقة للسجل
output-file-shm = ملف الذاكرة المشتركة للسجل
output-file-rollback = ملف التراجع للسجل
output-file-anchor = مرساة السجل
output-file-before-restore = نسخة من السجل احتُفظ بها عند الاستعادة
output-file-bulk-run = قيد العملية المجمّعة للسجل
output-file-lock = ملف قفل السجل
output-file-named-after-journal = أحد ملفات السجل (مسمّى باسمه وبجانبه)
task-no-data-directory = لا يحدد هذا النظام مجلداً للسجل.
task-journal-lock = تعذّر أخذ ملف قفل السجل: تحقق من إمكان الكتابة في مجلد السجل ثم أعد تشغيل البرنامج.
task-demo-feedback = تعذّر على العرض التجريبي تحميل سجلّه. أعد تشغيل البرنامج للمحاولة مجددًا.
task-views = تعذّر حفظ العروض المحفوظة على القرص؛ ما زالت هذه الجلسة تعرضها.
task-bulk-record = تعذّرت كتابة سجل العملية المجمّعة المحفوظ بجانب السجل أو قراءته: تحقّق من ذلك المجلد. العملية التي تعذّر تسجيلها لم تبدأ.
task-import = تعذّر استيراد الملف: لم يُسجَّل منه شيء.
task-confirm-imports = تعذّر تأكيد الطلبات المستوردة لدى APS الآن: تبقى قيد الانتظار وتُفحص مجددًا عند التشغيل التالي.
task-not-in-journal = لا يوجد طلب { $reference } في سجل هذا الحساب.
# Forms (issue 15).
form-field-error = { $field }: { $problem }
form-missing = حقل مطلوب: املأه
form-more-than-left = أكثر مما بقي في الطلب ({ $left })
form-purchase-only = { $method } لا تُدفع إلا بالشراء: اختر «{ $purchase }»
field-other = حقل
profile-fix-environment = اختر وجهة الطلبات: بيئة الاختبار أو بيئة الإنتاج أو المحاكي
profile-fix-name = استخدم من 1 إلى 64 حرفاً أو رقماً أو مسافة أو - _ .
profile-fix-merchant-identifier = اكتب المعرّف من لوحة تحكم APS (من 1 إلى 20 حرفاً)
profile-fix-sha-type = اختر SHA-256 أو SHA-512 أو HMAC-256 أو HMAC-512 أو SHA-128 كما في لوحة تحكم APS
profile-fix-time-zone = اكتب اسم منطقة زمنية من قاعدة IANA مثل Europe/London أو اختر واحدة من القائمة
profile-fix-other = تحقق من هذه القيمة
profile-unknown = لا يوجد ملف شخصي باسم { $name }.
profile-exists = يوجد ملف شخصي باسم { $name } من قبل.
bulk-row-unreadable = السطر { $line }: لا يمكن قراءته بصيغة CSV (تحقق من علامات الاقتباس والفواصل)
bulk-row-fields = السطر { $line }: { $count } حقول؛ المتوقع مرجع ومبلغ (هل كُتب المبلغ بفاصلة؟)
bulk-row-problem = السطر { $line }: { $problem }
bulk-row-amount = السطر { $line }: المبلغ «{ $amount }» ليس رقماً بسيطاً: اكتبه بأرقام ونقطة عشرية واحدة، دون فواصل آلاف (مثل 1000.50)
notification-none = بدون إشعار
notification-email = بالبريد الإلكتروني
notification-sms = برسالة نصية
notification-email-sms = بالبريد الإلكتروني والرسالة النصية
link-command-purchase = شراء (خصم فوري)
link-command-authorization = تفويض (تحصيل لاحقاً)
payment-option-any = أي وسيلة دفع
payment-option-visa = فيزا
payment-option-mastercard = ماستركارد
payment-option-amex = أمريكان إكسبريس
payment-option-mada = مدى
payment-option-meeza = ميزة
payment-option-knet = كي نت
payment-option-benefit = بنفت
payment-option-omannet = عمان نت
payment-option-naps = نابس
payment-option-stcpay = إس تي سي باي
payment-option-other = وسيلة أخرى
token-status-active = نشط
token-status-inactive = غير نشط
# Icons' words (issue 15).
sorted-ascending = { $column }، مرتب تصاعدياً
sorted-descending = { $column }، مرتب تنازلياً
copy-what = نسخ { $what }
signature-not-json = يبدأ كـ JSON لكنه ليس JSON صالحاً
signature-not-object = إنه JSON لكنه ليس كائناً ({ "{" }…{ "}" })
signature-duplicate-key = المعامل { $key } مكرر
# What journal verify finds (Activity).
finding-unkeyed = لا مكان (دون مفتاح)
finding-key-unavailable = القيود من { $from } فصاعداً موقّعة بمفتاح ولم يمكن التحقق منها: مفتاح السجل غير متاح (افتح سلسلة المفاتيح).
finding-truncated = السجل مبتور: المرساة تسجل { $anchored } قيداً والسجل فيه { $present }: ينقص { $missing } قيداً.
finding-anchor-mismatch = القيد { $seq } ليس القيد المرسّى: أُعيدت كتابة السلسلة.
finding-anchor-not-signed = المرساة غير موقّعة بمفتاح هذا السجل: كتبها من لا يملكه.
finding-anchor-other-journal = المرساة لسجل آخر ({ $journal }): استُبدل ملف السجل.
finding-anchor-missing = رُسّي السجل، ومرساته مفقودة أو غير مقروءة.
finding-rolled-back = أُعيد السجل إلى نسخة أقدم: آخر ما سجّله هذا الحاسوب { $witnessed } قيداً، وفي السجل { $present }: ينقص { $missing } قيداً (أُعيدت نسخة قديمة مكانه). تُرفض القيود الجديدة حتى يُتّخذ قرار.
finding-witness-diverged = أُعيد السجل إلى نسخة أخرى: القيد { $seq } ليس القيد الذي سجّله هذا الحاسوب آخر مرة: استُبدل السجل بنسخة أخرى. تُرفض القيود الجديدة حتى يُتّخذ قرار.
finding-witness-not-signed = ما سجّله هذا الحاسوب عن آخر قيد في السجل (في سلسلة المفاتيح) غير موقّع بمفتاح السجل: كتبه من لا يملكه.
finding-witness-unreadable = تعذّرت قراءة ما سجّله هذا الحاسوب عن آخر قيد في السجل (في سلسلة المفاتيح): افتح سلسلة المفاتيح.
finding-keying-removed = في سلسلة المفاتيح مفتاح لهذا السجل، والسجل لا يضم أي قيد موقّع: أُزيل التوقيع لإعادة كتابة السلسلة دون المفتاح.
finding-keying-changed = يقول السجل إن سلسلته موقّعة من القيد { $journal }، وتقول مرساته من { $anchor }: عُدّلت هوية السجل.
finding-order-differs = الطلب { $reference }: قيمة { $field } هي { $recorded }، وقيوده تجعلها { $rebuilt }.
finding-order-missing = للطلب ذي المعرّف { $order } قيود وليس له صف.
finding-open-missing = الطلب { $reference }: العملية { $operation } مفتوحة بحسب قيودها وغائبة عن العمليات المفتوحة: الطلب غير محجوب.
finding-open-unexplained = الطلب { $reference }: العملية { $operation } مدرجة مفتوحة، وقيودها أغلقتها (أو لم تفتحها قط).
finding-open-state = الطلب { $reference }: العملية { $operation } مسجلة بحالة غير التي تقولها قيودها.

## Look up on a miss, and Import…
lookup-miss-none = لا يوجد طلب { $reference } في السجل.
lookup-miss = ابحث عن { $reference } لدى APS
nav-import = استيراد…
import-title = استيراد الطلبات من ملف CSV
import-explain = تقرير من APS أو ملف مُصدَّر من نظام طلباتك. لا تُعتمد مبالغ الملف على أنها مبالغ APS: يُستعلم عن كل طلب مستورد لدى APS، وتؤخذ مبالغه من ذلك الرد.
import-file = الملف
import-open = فتح
import-choose = اختيار…
import-file-hash = { $file } (SHA-256 { $sha })
import-already = استُورد هذا الملف في { $time }: استيراده مرة أخرى لا يضيف شيئًا.
import-columns = الأعمدة وحقول السجل التي تحملها
import-ignored = (مُتجاهَل)
import-first-rows = الصفوف الأولى
import-counts = سيُستورد { $importable } صفًا، ورُفض { $refused }.
import-run = استيراد { $count } صفًا
import-recorded = استُورد { $imported } صفًا، ورُفض { $refused }. جارٍ الاستعلام عن كل منها لدى APS…
import-confirming = تم الاستعلام لدى APS: { $done } من { $total }
import-confirmed = أكّدت APS { $confirmed } طلبًا، وما زال { $pending } بانتظار التأكيد (يُستعلم عنها مجددًا عند التشغيل التالي).

# Issue 15: filters, selection, bulk preview
filter-method = طريقة الدفع
filter-amount-min = المبلغ من
filter-amount-max = المبلغ إلى
filter-amount-needs-currency = اختر عملة للتصفية بالمبلغ: تُقرأ المبالغ بخاناتها العشرية.
filter-from = من
filter-to = إلى
filter-expiring = تنتهي قريباً
filter-expiring-hint = تفويضات عمرها 5 إلى 7 أيام بقي منها ما يُحصَّل: ترفض APS التحصيل بعد اليوم السابع.
selection-count = { $count ->
    [one] طلب واحد محدد
   *[other] { $count } طلبات محددة
}
selection-count-hidden = { $count } محدد، منها { $hidden } تخفيها التصفية: تُطبَّق الإجراءات على الـ { $shown } الظاهرة فقط
selection-hidden-left-out = { $hidden ->
    [one] طلب محدد واحد تخفيه التصفية لم يُشمل.
    [two] طلبان محددان تخفيهما التصفية لم يُشملا.
   *[other] { $hidden } طلبات محددة تخفيها التصفية لم تُشمل.
}
select-all-filtered = حدّد كل الطلبات المصفّاة
select-none = ألغِ التحديد
selection-capture = تحصيل المحدد…
selection-refund = استرد المحدد…
selection-status = تحقق من حالة المحدد…
select-all-too-many = أكثر من { $limit } طلب يطابق: ضيّق التصفية لتحديدها كلها.
bulk-currency-unknown = العملة غير معروفة هنا: اعرض الطلب في المعاملات (أو تحقق من حالته) أولاً
bulk-nothing-to-capture = لم يبقَ ما يُحصَّل
bulk-nothing-to-refund = لم يبقَ ما يُسترد
bulk-skip-more-than-left = أكثر مما بقي من الطلب
bulk-skip-changed-since-preview = تغيّر الطلب بعد المعاينة: المبلغ أكثر مما بقي الآن
bulk-more-than-left = أكثر مما بقي من الطلب (بقي { $left }): غيّر المبلغ أو احذف السطر
bulk-changed-since-preview = تغيّر الطلب بعد المعاينة: بقي الآن { $left }؛ اعرض المعاينة من جديد
bulk-preview = { $account }: { $action } — { $count ->
    [one] طلب واحد
   *[other] { $count } طلبات
}، بإجمالي { $totals }.
bulk-preview-skipped = { $count ->
    [one] سطر واحد لن يُرسل (يذكر السطر السبب).
   *[other] { $count } أسطر لن تُرسل (يذكر كل سطر السبب).
}
bulk-confirm-type-total = الإنتاج: اكتب الإجمالي المعروض ({ $totals }) للبدء
bulk-skipped-because = تم التخطي: { $why }
bulk-preview-skipped-reason = { $count } × { $reason }
bulk-skip-unreadable = لا يمكن قراءته بصيغة CSV
bulk-skip-too-many-fields = حقول أكثر من مرجع ومبلغ
bulk-skip-invalid-fields = حقل سترفضه APS
bulk-skip-amount-not-plain = مبلغ غير مكتوب رقماً بسيطاً
bulk-skip-amount-in-currency = مبلغ لا تقبله عملة الطلب
bulk-skip-not-found-at-aps = لا تعرف APS هذا الطلب
bulk-skip-status-not-answered = لم يصل رد موثوق على التحقق من الحالة: تحقق من حالة الطلب ثم أعد التشغيل
bulk-skip-currency-changed = عملة الطلب ليست التي عرضتها المعاينة
bulk-skip-cancelled = أُلغي
bulk-skip-wrong-state = حالة الطلب لا تسمح بذلك
bulk-skip-wrong-state-named = الطلب { $state }: حالته لا تسمح بذلك
palette-title = انتقل أو نفّذ…
palette-hint = اكتب اسم شاشة أو إجراء (Ctrl+K)
palette-nothing = لا شيء يطابق.
palette-clear-filters = امسح كل عوامل التصفية
palette-capture-shown = تحصيل الطلب المعروض…
palette-refund-shown = استرد الطلب المعروض…
palette-status-shown = تحقق من حالة الطلب المعروض
palette-english = التبديل إلى الإنجليزية
palette-arabic = التبديل إلى العربية
palette-theme = التبديل بين الفاتح والداكن
palette-recall-view = العرض: { $name }
views-title = العروض المحفوظة
views-choose = استدعِ…
views-save = احفظ العرض…
views-name = اسم العرض
views-save-named = احفظ
views-saved = حُفظ العرض «{ $name }»
views-replaced = استُبدل العرض «{ $name }»
views-deleted = حُذف العرض «{ $name }»
views-delete = احذف العرض «{ $name }»
views-delete-ask = أتحذف العرض «{ $name }»؟ لا تُحفظ عوامل تصفيته وترتيبه في أي مكان آخر.
views-delete-confirm = احذف
views-replace-ask = يوجد عرض باسم «{ $name }». أتستبدل به عوامل التصفية والترتيب الحالية؟
views-replace-confirm = استبدل
views-set-aside = تعذّرت قراءة ملف العروض المحفوظة. احتُفظ به دون تغيير باسم { $path }؛ ويبدأ هذا الملف الشخصي بلا عروض محفوظة.
views-unreadable = تعذّرت قراءة ملف العروض المحفوظة { $path } أو نقله جانباً: تُرك كما هو، والعروض المحفوظة الآن تبقى لهذه الجلسة فقط.
palette-delete-view = احذف العرض: { $name }
bulk-sent-before-closing = أُرسل قبل إغلاق البرنامج وجاء رده: نتيجته في سجل الطلب
bulk-unanswered-before-closing = أُرسل قبل إغلاق البرنامج دون أن يصل رده: لن يُرسل مرة أخرى، ويسوّيه البرنامج من حالته لدى APS (انظر السجل)
bulk-row-repeated = الطلب نفسه في سطر سابق: ترسل العملية المجمعة كل طلب مرة واحدة
profile-switch-bulk-running = عملية مجمعة جارية: انتظر انتهاءها (أو ألغِ الباقي) قبل تبديل الملف.
task-bulk-record-of-profile = انقطعت عملية مجمعة للملف { $profile } عند إغلاق البرنامج ولم تُعرض عليه بعد: افتح ذلك الملف أولاً (سجلها محفوظ بجانب السجل). لم يُرسل شيء.
bulk-interrupted-elsewhere = انقطعت عملية مجمعة للملف { $profile } عند إغلاق apsdesk: افتح ذلك الملف لترى الأسطر التي أُرسلت ولتشغيل الباقي أو إلغائه.
bulk-interrupted = انقطعت عملية مجمعة عند إغلاق apsdesk: أُرسل { $sent } من { $total } سطراً ({ $unanswered } دون رد: لن يُرسل مرة أخرى، ويُسوّى من حالته لدى APS). تعرض شاشة العمليات المجمعة الباقي لتشغيله أو إلغائه.
bulk-save-results = احفظ النتائج بصيغة CSV…

## Profile form: closed choices (issue 15)
profile-simulator-url = عنوان المحاكي
profile-fix-simulator-url = اكتب عنوان المحاكي على هذا الحاسوب، مثل http://127.0.0.1:8080
environment-choice-sandbox = بيئة الاختبار (نظام الاختبار لدى APS)
environment-choice-production = بيئة الإنتاج (مدفوعات حقيقية)
environment-choice-simulator = المحاكي على هذا الحاسوب
sha-type-sha256 = SHA-256
sha-type-sha512 = SHA-512
sha-type-hmac256 = HMAC-256
sha-type-hmac512 = HMAC-512
sha-type-legacy-sha128 = SHA-128 (للحسابات القديمة فقط)

## Import: the journal's fields by their words (issue 15)
import-field-fort-id = رقم المعاملة لدى APS
import-field-transaction-date = تاريخ المعاملة
import-no-reference = لا يحمل أي عمود { $field }: اختر «{ $field }» للعمود الذي يحمله.
import-field-twice = اختير { $field } لعمودين ({ $first } و{ $second }): اجعل أحدهما «(مُتجاهَل)».
import-no-header = لا يحتوي الملف على صف العناوين: يجب أن يسمّي سطره الأول الأعمدة.
import-row-field-error = السطر { $line }: { $field }: { $problem }
import-row-error = السطر { $line }: { $problem }

## Profile form: the receipts' time zone by its words (issue 15)
profile-time-zone-other = المنطقة الزمنية (اسمها الدولي)
time-zone-utc = التوقيت العالمي المنسّق (بلا منطقة)
time-zone-other = منطقة زمنية أخرى…
time-zone-kuwait = الكويت
time-zone-riyadh = السعودية (الرياض)
time-zone-dubai = الإمارات العربية المتحدة (دبي)
time-zone-bahrain = البحرين
time-zone-qatar = قطر
time-zone-muscat = عُمان (مسقط)
time-zone-cairo = مصر (القاهرة)
time-zone-amman = الأردن (عمّان)
time-zone-beirut = لبنان (بيروت)
