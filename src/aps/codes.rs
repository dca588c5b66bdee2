//! The APS status and message tables (`aps-codes.md`), in English and Arabic.
//!
//! A `response_code` is a two-digit status followed by a three-digit message.
//! APS answers with its own `response_message`, in the request's language;
//! these tables are for everything else: explaining a code the operator
//! pastes, a journal entry recorded in the other language, and the
//! simulator, which must answer with the same texts APS uses.
//!
//! The tables are sorted by code so that lookups are a binary search and a
//! test can prove there are no duplicates.

use super::lang::Language;

/// One code and its texts.
#[derive(Debug, Clone, Copy)]
struct CodeText {
    code: &'static str,
    en: &'static str,
    ar: &'static str,
}

impl CodeText {
    const fn new(code: &'static str, en: &'static str, ar: &'static str) -> Self {
        CodeText { code, en, ar }
    }

    fn text(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.en,
            Language::Ar => self.ar,
        }
    }
}

fn find(table: &'static [CodeText], code: &str) -> Option<&'static CodeText> {
    table
        .binary_search_by(|entry| entry.code.cmp(code))
        .ok()
        .map(|index| &table[index])
}

/// The meaning of a two-digit status (`"06"` → "Refund Success").
pub fn status_text(status: &str, language: Language) -> Option<&'static str> {
    find(STATUS_TEXTS, status).map(|entry| entry.text(language))
}

/// The meaning of a three-digit message (`"048"` → "Operation amount exceeds
/// captured amount").
pub fn message_text(message: &str, language: Language) -> Option<&'static str> {
    find(MESSAGE_TEXTS, message).map(|entry| entry.text(language))
}

/// Whether APS documents this two-digit status.
pub fn is_known_status(status: &str) -> bool {
    find(STATUS_TEXTS, status).is_some()
}

/// Whether APS documents this three-digit message.
pub fn is_known_message(message: &str) -> bool {
    find(MESSAGE_TEXTS, message).is_some()
}

/// The two-digit statuses, sorted by code.
const STATUS_TEXTS: &[CodeText] = &[
    CodeText::new("00", "Invalid Request", "طلب غير صالح"),
    CodeText::new("01", "Order Stored", "تم حفظ الطلب"),
    CodeText::new("02", "Authorization Success", "نجح التفويض"),
    CodeText::new("03", "Authorization Failed", "فشل التفويض"),
    CodeText::new("04", "Capture Success", "نجح التحصيل"),
    CodeText::new("05", "Capture failed", "فشل التحصيل"),
    CodeText::new("06", "Refund Success", "نجح الاسترداد"),
    CodeText::new("07", "Refund Failed", "فشل الاسترداد"),
    CodeText::new(
        "08",
        "Authorization Voided Successfully",
        "تم إلغاء التفويض بنجاح",
    ),
    CodeText::new("09", "Authorization Void Failed", "فشل إلغاء التفويض"),
    CodeText::new("10", "Incomplete", "غير مكتمل"),
    CodeText::new("11", "Check status Failed", "فشل الاستعلام عن الحالة"),
    CodeText::new("12", "Check status success", "نجح الاستعلام عن الحالة"),
    CodeText::new("13", "Purchase Failure", "فشل الشراء"),
    CodeText::new("14", "Purchase Success", "نجح الشراء"),
    CodeText::new("15", "Uncertain Transaction", "معاملة غير مؤكدة"),
    CodeText::new("17", "Tokenization failed", "فشل إنشاء الرمز"),
    CodeText::new("18", "Tokenization success", "نجح إنشاء الرمز"),
    CodeText::new("19", "Transaction pending", "المعاملة قيد الانتظار"),
    CodeText::new("20", "On hold", "معلقة"),
    CodeText::new("21", "SDK Token creation failure", "فشل إنشاء رمز SDK"),
    CodeText::new("22", "SDK Token creation success", "نجح إنشاء رمز SDK"),
    CodeText::new(
        "23",
        "Failed to process Digital Wallet service",
        "تعذرت معالجة خدمة المحفظة الرقمية",
    ),
    CodeText::new(
        "24",
        "Digital wallet order processed successfully",
        "تمت معالجة طلب المحفظة الرقمية بنجاح",
    ),
    CodeText::new(
        "27",
        "Check card balance failed",
        "فشل الاستعلام عن رصيد البطاقة",
    ),
    CodeText::new(
        "28",
        "Check card balance success",
        "نجح الاستعلام عن رصيد البطاقة",
    ),
    CodeText::new("29", "Redemption failed", "فشل الاسترداد بالنقاط"),
    CodeText::new("30", "Redemption success", "نجح الاسترداد بالنقاط"),
    CodeText::new(
        "31",
        "Reverse Redemption transaction failed",
        "فشل عكس معاملة الاسترداد بالنقاط",
    ),
    CodeText::new(
        "32",
        "Reverse Redemption transaction success",
        "نجح عكس معاملة الاسترداد بالنقاط",
    ),
    CodeText::new("40", "Transaction In review", "المعاملة قيد المراجعة"),
    CodeText::new("42", "Currency conversion success", "نجح تحويل العملة"),
    CodeText::new("43", "Currency conversion failed", "فشل تحويل العملة"),
    CodeText::new("44", "3ds success", "نجح التحقق ثلاثي الأبعاد"),
    CodeText::new("45", "3ds failed", "فشل التحقق ثلاثي الأبعاد"),
    CodeText::new("46", "Bill creation success", "نجح إنشاء الفاتورة"),
    CodeText::new("47", "Bill creation failed", "فشل إنشاء الفاتورة"),
    CodeText::new(
        "48",
        "Generating invoice payment link success",
        "نجح إنشاء رابط دفع الفاتورة",
    ),
    CodeText::new(
        "49",
        "Generating invoice payment link failed",
        "فشل إنشاء رابط دفع الفاتورة",
    ),
    CodeText::new(
        "50",
        "Batch file upload successfully",
        "تم رفع ملف الدفعة بنجاح",
    ),
    CodeText::new("51", "Upload batch file failed", "فشل رفع ملف الدفعة"),
    CodeText::new("52", "Token created successfully", "تم إنشاء الرمز بنجاح"),
    CodeText::new("53", "Token creation failed", "فشل إنشاء الرمز"),
    CodeText::new("54", "Get Tokens Success", "نجح جلب الرموز"),
    CodeText::new("55", "Get Tokens Failed", "فشل جلب الرموز"),
    CodeText::new("56", "Reporting Request Success", "نجح طلب التقرير"),
    CodeText::new("57", "Reporting Request Failed", "فشل طلب التقرير"),
    CodeText::new("58", "Token updated successfully", "تم تحديث الرمز بنجاح"),
    CodeText::new("59", "Token updated failed", "فشل تحديث الرمز"),
    CodeText::new(
        "62",
        "Get Installment Plans Successfully",
        "نجح جلب خطط التقسيط",
    ),
    CodeText::new("63", "Get Installment plans Failed", "فشل جلب خطط التقسيط"),
    CodeText::new("66", "Delete Token Success", "نجح حذف الرمز"),
    CodeText::new(
        "70",
        "Get batch results successfully",
        "نجح جلب نتائج الدفعة",
    ),
    CodeText::new("71", "Get batch results failed", "فشل جلب نتائج الدفعة"),
    CodeText::new("72", "Batch processing success", "نجحت معالجة الدفعة"),
    CodeText::new("73", "Batch processing failed", "فشلت معالجة الدفعة"),
    CodeText::new("74", "Bank transfer successfully", "نجح التحويل البنكي"),
    CodeText::new("75", "Bank transfer failed", "فشل التحويل البنكي"),
    CodeText::new(
        "76",
        "Batch validation successfully",
        "نجح التحقق من الدفعة",
    ),
    CodeText::new("77", "Batch validation failed", "فشل التحقق من الدفعة"),
    CodeText::new(
        "80",
        "Credit card verified successfully",
        "تم التحقق من البطاقة الائتمانية بنجاح",
    ),
    CodeText::new(
        "81",
        "Failed to verify credit card",
        "تعذر التحقق من البطاقة الائتمانية",
    ),
    CodeText::new(
        "88",
        "ValU OTP Generate Success",
        "نجح إنشاء رمز التحقق لـ ValU",
    ),
    CodeText::new(
        "89",
        "ValU OTP Generate Failure Status",
        "فشل إنشاء رمز التحقق لـ ValU",
    ),
    CodeText::new("90", "Customer Verify Success", "نجح التحقق من العميل"),
    CodeText::new("91", "Customer Verify Failed", "فشل التحقق من العميل"),
    CodeText::new("92", "Verify OTP success", "نجح التحقق من رمز التحقق"),
    CodeText::new("93", "Failed OTP verify", "فشل التحقق من رمز التحقق"),
];

/// The three-digit messages, sorted by code (the published list and the lower-confidence codes seen in newer documentation).
const MESSAGE_TEXTS: &[CodeText] = &[
    CodeText::new("000", "Success", "نجاح"),
    CodeText::new("001", "Missing parameter", "معامل مفقود"),
    CodeText::new("002", "Invalid parameter format", "صيغة معامل غير صالحة"),
    CodeText::new(
        "003",
        "Payment option is not available for this merchant's account",
        "وسيلة الدفع غير متاحة لحساب هذا التاجر",
    ),
    CodeText::new("004", "Invalid command", "أمر غير صالح"),
    CodeText::new("005", "Invalid amount", "مبلغ غير صالح"),
    CodeText::new("006", "Technical problem", "مشكلة فنية"),
    CodeText::new("007", "Duplicate order number", "رقم طلب مكرر"),
    CodeText::new("008", "Signature mismatch", "عدم تطابق التوقيع"),
    CodeText::new("009", "Invalid merchant identifier", "معرّف تاجر غير صالح"),
    CodeText::new("010", "Invalid access code", "رمز وصول غير صالح"),
    CodeText::new("011", "Order not saved", "لم يتم حفظ الطلب"),
    CodeText::new("012", "Card expired", "البطاقة منتهية الصلاحية"),
    CodeText::new("013", "Invalid currency", "عملة غير صالحة"),
    CodeText::new("014", "Inactive payment option", "وسيلة دفع غير نشطة"),
    CodeText::new("015", "Inactive merchant account", "حساب تاجر غير نشط"),
    CodeText::new("016", "Invalid card number", "رقم بطاقة غير صالح"),
    CodeText::new(
        "017",
        "Operation not allowed by the acquirer",
        "العملية غير مسموح بها من البنك المحصّل",
    ),
    CodeText::new(
        "018",
        "Operation not allowed by processor",
        "العملية غير مسموح بها من المعالج",
    ),
    CodeText::new("019", "Inactive acquirer", "البنك المحصّل غير نشط"),
    CodeText::new("020", "Processor is inactive", "المعالج غير نشط"),
    CodeText::new(
        "021",
        "Payment option deactivated by acquirer",
        "وسيلة الدفع معطلة من البنك المحصّل",
    ),
    CodeText::new(
        "023",
        "Currency not accepted by acquirer",
        "العملة غير مقبولة لدى البنك المحصّل",
    ),
    CodeText::new(
        "024",
        "Currency not accepted by processor",
        "العملة غير مقبولة لدى المعالج",
    ),
    CodeText::new(
        "025",
        "Processor integration settings are missing",
        "إعدادات تكامل المعالج مفقودة",
    ),
    CodeText::new(
        "026",
        "Acquirer integration settings are missing",
        "إعدادات تكامل البنك المحصّل مفقودة",
    ),
    CodeText::new("027", "Invalid extra parameters", "معاملات إضافية غير صالحة"),
    CodeText::new("029", "Insufficient funds", "رصيد غير كافٍ"),
    CodeText::new("030", "Authentication failed", "فشل التحقق من الهوية"),
    CodeText::new("031", "Invalid issuer", "جهة إصدار غير صالحة"),
    CodeText::new("032", "Invalid parameter length", "طول معامل غير صالح"),
    CodeText::new(
        "033",
        "Parameter value not allowed",
        "قيمة المعامل غير مسموح بها",
    ),
    CodeText::new("034", "Operation not allowed", "العملية غير مسموح بها"),
    CodeText::new("035", "Order created successfully", "تم إنشاء الطلب بنجاح"),
    CodeText::new("036", "Order not found", "الطلب غير موجود"),
    CodeText::new("037", "Missing return URL", "رابط العودة مفقود"),
    CodeText::new("038", "Token service inactive", "خدمة الرموز غير نشطة"),
    CodeText::new(
        "039",
        "No active payment option found",
        "لا توجد وسيلة دفع نشطة",
    ),
    CodeText::new("040", "Invalid transaction source", "مصدر معاملة غير صالح"),
    CodeText::new(
        "042",
        "Operation amount exceeds the authorized amount",
        "مبلغ العملية يتجاوز المبلغ المفوَّض",
    ),
    CodeText::new("043", "Inactive Operation", "عملية غير نشطة"),
    CodeText::new("044", "Token name does not exist", "اسم الرمز غير موجود"),
    CodeText::new(
        "046",
        "Channel is not configured for the selected payment option",
        "القناة غير مهيأة لوسيلة الدفع المختارة",
    ),
    CodeText::new("047", "Order already processed", "تمت معالجة الطلب مسبقاً"),
    CodeText::new(
        "048",
        "Operation amount exceeds captured amount",
        "مبلغ العملية يتجاوز المبلغ المحصَّل",
    ),
    CodeText::new(
        "049",
        "Operation not valid for this payment option",
        "العملية غير صالحة لوسيلة الدفع هذه",
    ),
    CodeText::new(
        "050",
        "Merchant per transaction limit exceeded",
        "تم تجاوز حد التاجر للمعاملة الواحدة",
    ),
    CodeText::new("051", "Technical error", "خطأ فني"),
    CodeText::new(
        "052",
        "Consumer is not in OLP database",
        "العميل غير موجود في قاعدة بيانات OLP",
    ),
    CodeText::new(
        "053",
        "Merchant is not found in OLP Engine DB",
        "التاجر غير موجود في قاعدة بيانات محرك OLP",
    ),
    CodeText::new(
        "054",
        "Transaction cannot be processed at this moment",
        "لا يمكن معالجة المعاملة في الوقت الحالي",
    ),
    CodeText::new(
        "055",
        "OLP ID Alias is not valid. Please contact your bank",
        "الاسم المستعار لمعرّف OLP غير صالح، يرجى التواصل مع البنك",
    ),
    CodeText::new(
        "056",
        "OLP ID Alias does not exist. Please enter a valid OLP ID Alias",
        "الاسم المستعار لمعرّف OLP غير موجود، يرجى إدخال اسم مستعار صالح",
    ),
    CodeText::new(
        "057",
        "Transaction amount exceeds the daily transaction limit",
        "مبلغ المعاملة يتجاوز الحد اليومي للمعاملات",
    ),
    CodeText::new(
        "058",
        "Transaction amount exceeds the per transaction limit",
        "مبلغ المعاملة يتجاوز الحد للمعاملة الواحدة",
    ),
    CodeText::new(
        "059",
        "Merchant Name and SADAD Merchant ID do not match",
        "اسم التاجر ومعرّف تاجر سداد غير متطابقين",
    ),
    CodeText::new(
        "060",
        "The entered OLP password is incorrect. Please provide a valid password",
        "كلمة مرور OLP غير صحيحة، يرجى إدخال كلمة مرور صالحة",
    ),
    CodeText::new("062", "Token has been created", "تم إنشاء الرمز"),
    CodeText::new("063", "Token has been updated", "تم تحديث الرمز"),
    CodeText::new(
        "064",
        "3-D Secure check requested",
        "تم طلب التحقق ثلاثي الأبعاد",
    ),
    CodeText::new(
        "065",
        "Transaction waiting for customer's action",
        "المعاملة بانتظار إجراء العميل",
    ),
    CodeText::new(
        "066",
        "Merchant reference already exists",
        "المرجع التجاري موجود مسبقاً",
    ),
    CodeText::new(
        "067",
        "Dynamic Descriptor not configured for selected payment option",
        "الواصف الديناميكي غير مهيأ لوسيلة الدفع المختارة",
    ),
    CodeText::new("068", "SDK service is inactive", "خدمة SDK غير نشطة"),
    CodeText::new(
        "069",
        "Mapping not found for the given error code",
        "لم يتم العثور على ربط لرمز الخطأ المحدد",
    ),
    CodeText::new("070", "device_id mismatch", "عدم تطابق device_id"),
    CodeText::new("071", "Failed to initiate connection", "تعذر بدء الاتصال"),
    CodeText::new(
        "072",
        "Transaction has been cancelled by the consumer",
        "ألغى العميل المعاملة",
    ),
    CodeText::new("073", "Invalid request format", "صيغة طلب غير صالحة"),
    CodeText::new("074", "Transaction failed", "فشلت المعاملة"),
    CodeText::new("075", "Transaction failed", "فشلت المعاملة"),
    CodeText::new(
        "076",
        "Transaction not found in OLP",
        "المعاملة غير موجودة في OLP",
    ),
    CodeText::new(
        "077",
        "Error transaction code not found",
        "لم يتم العثور على رمز خطأ المعاملة",
    ),
    CodeText::new(
        "078",
        "Failed to check fraud screen",
        "تعذر إجراء فحص الاحتيال",
    ),
    CodeText::new(
        "079",
        "Transaction challenged by fraud rules",
        "تم الاعتراض على المعاملة بقواعد مكافحة الاحتيال",
    ),
    CodeText::new("080", "Invalid payment option", "وسيلة دفع غير صالحة"),
    CodeText::new(
        "082",
        "Inactive fraud service",
        "خدمة مكافحة الاحتيال غير نشطة",
    ),
    CodeText::new("083", "Unexpected user behavior", "سلوك مستخدم غير متوقع"),
    CodeText::new(
        "084",
        "Transaction amount is either bigger than maximum or less than minimum amount accepted for the selected plan",
        "مبلغ المعاملة أكبر من الحد الأقصى أو أقل من الحد الأدنى المقبول للخطة المختارة",
    ),
    CodeText::new(
        "086",
        "Installment plan is not configured for Merchant account",
        "خطة التقسيط غير مهيأة لحساب التاجر",
    ),
    CodeText::new(
        "087",
        "Card BIN does not match accepted issuer bank",
        "رقم BIN للبطاقة لا يطابق البنك المصدر المقبول",
    ),
    CodeText::new(
        "088",
        "Token name was not created for this transaction",
        "لم يتم إنشاء اسم الرمز لهذه المعاملة",
    ),
    CodeText::new(
        "089",
        "Failed to retrieve digital wallet details",
        "تعذر جلب تفاصيل المحفظة الرقمية",
    ),
    CodeText::new("090", "Transaction in review", "المعاملة قيد المراجعة"),
    CodeText::new("092", "Invalid issuer code", "رمز جهة إصدار غير صالح"),
    CodeText::new("093", "service inactive", "الخدمة غير نشطة"),
    CodeText::new("094", "Invalid Plan Code", "رمز خطة غير صالح"),
    CodeText::new("095", "Inactive Issuer", "جهة إصدار غير نشطة"),
    CodeText::new("096", "Inactive Plan", "خطة غير نشطة"),
    CodeText::new(
        "097",
        "Operation not allowed for service",
        "العملية غير مسموح بها لهذه الخدمة",
    ),
    CodeText::new(
        "098",
        "Invalid or expired call_id",
        "call_id غير صالح أو منتهي الصلاحية",
    ),
    CodeText::new("099", "Failed to execute service", "تعذر تنفيذ الخدمة"),
    CodeText::new("100", "Invalid expiry date", "تاريخ انتهاء غير صالح"),
    CodeText::new("101", "Bill number not found", "رقم الفاتورة غير موجود"),
    CodeText::new(
        "102",
        "Apple Pay order has been expired",
        "انتهت صلاحية طلب Apple Pay",
    ),
    CodeText::new("103", "Duplicate subscription ID", "معرّف اشتراك مكرر"),
    CodeText::new(
        "104",
        "No plans valid for request",
        "لا توجد خطط صالحة للطلب",
    ),
    CodeText::new("105", "Invalid bank code", "رمز بنك غير صالح"),
    CodeText::new("106", "Inactive bank", "بنك غير نشط"),
    CodeText::new(
        "107",
        "Invalid transfer_date",
        "قيمة transfer_date غير صالحة",
    ),
    CodeText::new(
        "110",
        "Contradicting parameters, please refer to the integration guide",
        "معاملات متعارضة، يرجى الرجوع إلى دليل التكامل",
    ),
    CodeText::new(
        "111",
        "Service not applicable for payment option",
        "الخدمة لا تنطبق على وسيلة الدفع",
    ),
    CodeText::new(
        "112",
        "Service not applicable for payment operation",
        "الخدمة لا تنطبق على عملية الدفع",
    ),
    CodeText::new(
        "113",
        "Service not applicable for e-commerce indicator",
        "الخدمة لا تنطبق على مؤشر التجارة الإلكترونية",
    ),
    CodeText::new("114", "Token already exist", "الرمز موجود مسبقاً"),
    CodeText::new(
        "115",
        "Expired invoice payment link",
        "انتهت صلاحية رابط دفع الفاتورة",
    ),
    CodeText::new("116", "Inactive notification type", "نوع إشعار غير نشط"),
    CodeText::new(
        "117",
        "Invoice payment link already processed",
        "تمت معالجة رابط دفع الفاتورة مسبقاً",
    ),
    CodeText::new("118", "Order bounced", "تم ارتداد الطلب"),
    CodeText::new("119", "Request dropped", "تم إسقاط الطلب"),
    CodeText::new(
        "120",
        "Payment link terms and conditions not found",
        "لم يتم العثور على شروط وأحكام رابط الدفع",
    ),
    CodeText::new("121", "Card number is not verified", "رقم البطاقة غير موثق"),
    CodeText::new("122", "Invalid date interval", "فترة تاريخ غير صالحة"),
    CodeText::new(
        "123",
        "You have exceeded the maximum number of attempts",
        "لقد تجاوزت الحد الأقصى لعدد المحاولات",
    ),
    CodeText::new(
        "124",
        "Account successfully created",
        "تم إنشاء الحساب بنجاح",
    ),
    CodeText::new("125", "Invoice already paid", "الفاتورة مدفوعة مسبقاً"),
    CodeText::new("126", "Duplicate invoice ID", "معرّف فاتورة مكرر"),
    CodeText::new(
        "127",
        "Merchant reference is not generated yet",
        "لم يتم إنشاء المرجع التجاري بعد",
    ),
    CodeText::new(
        "128",
        "The generated report is still pending, you can't download it now",
        "التقرير المطلوب لا يزال قيد الإعداد ولا يمكن تنزيله الآن",
    ),
    CodeText::new(
        "129",
        "\"Downloaded report\" queue is full. Wait till its empty again",
        "قائمة \"التقارير المنزّلة\" ممتلئة، انتظر حتى تفرغ",
    ),
    CodeText::new(
        "134",
        "Your search results have exceeded the maximum number of records",
        "نتائج البحث تجاوزت الحد الأقصى لعدد السجلات",
    ),
    CodeText::new(
        "136",
        "The Batch file validation is failed",
        "فشل التحقق من ملف الدفعة",
    ),
    CodeText::new(
        "137",
        "Invalid Batch file execution date",
        "تاريخ تنفيذ ملف الدفعة غير صالح",
    ),
    CodeText::new(
        "138",
        "The Batch file still under validation",
        "ملف الدفعة لا يزال قيد التحقق",
    ),
    CodeText::new(
        "140",
        "The Batch file still under processing",
        "ملف الدفعة لا يزال قيد المعالجة",
    ),
    CodeText::new(
        "141",
        "The Batch reference does not exist",
        "مرجع الدفعة غير موجود",
    ),
    CodeText::new(
        "142",
        "The Batch file header is invalid",
        "ترويسة ملف الدفعة غير صالحة",
    ),
    CodeText::new("144", "Invalid Batch file", "ملف دفعة غير صالح"),
    CodeText::new(
        "146",
        "The Batch reference is already exist",
        "مرجع الدفعة موجود مسبقاً",
    ),
    CodeText::new(
        "147",
        "The Batch process request has been received",
        "تم استلام طلب معالجة الدفعة",
    ),
    CodeText::new(
        "148",
        "Batch file will be processed",
        "ستتم معالجة ملف الدفعة",
    ),
    CodeText::new(
        "149",
        "Payment link request id not found",
        "معرّف طلب رابط الدفع غير موجود",
    ),
    CodeText::new(
        "150",
        "Payment link is already open",
        "رابط الدفع مفتوح بالفعل",
    ),
    CodeText::new("151", "3ds_id does not exist", "3ds_id غير موجود"),
    CodeText::new(
        "152",
        "3Ds verification doesn't match the request details",
        "نتيجة التحقق ثلاثي الأبعاد لا تطابق تفاصيل الطلب",
    ),
    CodeText::new(
        "154",
        "You have reached the maximum number of upload retries",
        "لقد بلغت الحد الأقصى لمحاولات الرفع",
    ),
    CodeText::new(
        "155",
        "The upload retries is not configured",
        "عدد محاولات الرفع غير مهيأ",
    ),
    CodeText::new(
        "181",
        "minimum amount for this service not reached",
        "لم يتم بلوغ الحد الأدنى للمبلغ لهذه الخدمة",
    ),
    CodeText::new(
        "221",
        "maximum amount for this service exceeded",
        "تم تجاوز الحد الأقصى للمبلغ لهذه الخدمة",
    ),
    CodeText::new(
        "225",
        "operation not permitted for merchant",
        "العملية غير مسموح بها لهذا التاجر",
    ),
    CodeText::new(
        "662",
        "Operation not allowed. The specified order is not confirmed yet",
        "العملية غير مسموح بها، الطلب المحدد لم يتم تأكيده بعد",
    ),
    CodeText::new("666", "Transaction declined", "تم رفض المعاملة"),
    CodeText::new(
        "746",
        "purchase amount more than customer limit",
        "مبلغ الشراء يتجاوز حد العميل",
    ),
    CodeText::new("747", "insufficient wallet balance", "رصيد المحفظة غير كافٍ"),
    CodeText::new(
        "748",
        "parameter mismatch between OTP request and purchase",
        "عدم تطابق المعاملات بين طلب رمز التحقق وطلب الشراء",
    ),
    CodeText::new("773", "Transaction closed", "المعاملة مغلقة"),
    CodeText::new(
        "777",
        "The transaction has been processed, but failed to receive confirmation",
        "تمت معالجة المعاملة لكن تعذر استلام التأكيد",
    ),
    CodeText::new("778", "Session timed-out", "انتهت مهلة الجلسة"),
    CodeText::new("779", "Transformation error", "خطأ في التحويل"),
    CodeText::new(
        "780",
        "Transaction number transformation error",
        "خطأ في تحويل رقم المعاملة",
    ),
    CodeText::new(
        "781",
        "Message or response code transformation error",
        "خطأ في تحويل الرسالة أو رمز الاستجابة",
    ),
    CodeText::new(
        "783",
        "Installments service inactive",
        "خدمة التقسيط غير نشطة",
    ),
    CodeText::new(
        "784",
        "Transaction still processing you can't make another transaction",
        "المعاملة لا تزال قيد المعالجة ولا يمكنك إجراء معاملة أخرى",
    ),
    CodeText::new(
        "785",
        "Transaction blocked by fraud check",
        "تم حظر المعاملة بفحص مكافحة الاحتيال",
    ),
    CodeText::new(
        "787",
        "Failed to authenticate the user",
        "تعذر التحقق من هوية المستخدم",
    ),
    CodeText::new("788", "Invalid bill number", "رقم فاتورة غير صالح"),
    CodeText::new("789", "Expired bill number", "رقم فاتورة منتهي الصلاحية"),
    CodeText::new("790", "Invalid bill type code", "رمز نوع فاتورة غير صالح"),
    CodeText::new(
        "983",
        "at least 60 s must pass between two OTP attempts",
        "يجب أن تمر 60 ثانية على الأقل بين محاولتين لرمز التحقق",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sorted_unique(table: &[CodeText], width: usize) {
        for pair in table.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} is not before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for entry in table {
            assert_eq!(entry.code.len(), width, "{}", entry.code);
            assert!(entry.code.bytes().all(|b| b.is_ascii_digit()));
            assert!(!entry.en.is_empty());
            assert!(
                entry
                    .ar
                    .chars()
                    .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "{} has no Arabic text",
                entry.code
            );
        }
    }

    #[test]
    fn tables_are_sorted_unique_and_bilingual() {
        assert_sorted_unique(STATUS_TEXTS, 2);
        assert_sorted_unique(MESSAGE_TEXTS, 3);
    }

    #[test]
    fn the_reference_tables_are_complete() {
        assert_eq!(STATUS_TEXTS.len(), 68);
        // 152 published messages and 7 seen in newer documentation.
        assert_eq!(MESSAGE_TEXTS.len(), 159);
    }

    #[test]
    fn spot_checks() {
        assert_eq!(status_text("06", Language::En), Some("Refund Success"));
        assert_eq!(status_text("06", Language::Ar), Some("نجح الاسترداد"));
        assert_eq!(
            message_text("048", Language::En),
            Some("Operation amount exceeds captured amount")
        );
        assert_eq!(message_text("008", Language::Ar), Some("عدم تطابق التوقيع"));
        assert_eq!(message_text("983", Language::En).map(str::len), Some(48));
        assert!(is_known_status("20"));
        assert!(!is_known_status("16"));
        assert!(is_known_message("777"));
        assert!(!is_known_message("041"));
        assert_eq!(message_text("48", Language::En), None);
    }
}
