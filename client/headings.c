/* The words of the programme (志愿者, 志愿服务时长, 积分, 积分兑换, 星级,
 * 服务证明, 社区, 服务站, 队伍) as workbooks print them. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "client/headings.h"

/* A heading: in sheet (NULL: in any sheet without its own), the column of
 * JSON member key; or (key NULL) the name of sheet. */
struct heading {
	const char	*sheet;
	const char	*key;
	const char	*english;	/* the source string */
	const char	*chinese;
};

static const struct heading headings[] = {
	/* Sheets: a command's rows member, a record's command, a report's
	 * level and its other sheets. */
	{ "volunteers", NULL, "Volunteers", "志愿者" },
	{ "volunteer", NULL, "Volunteer", "志愿者" },
	{ "history", NULL, "History", "变更记录" },
	{ "transfers", NULL, "Transfers", "积分明细" },
	{ "shifts", NULL, "Shifts", "服务记录" },
	{ "checkins", NULL, "Open check-ins", "未签退" },
	{ "items", NULL, "Catalogue", "兑换物品" },
	{ "teams", NULL, "Teams", "队伍" },
	{ "team", NULL, "Teams", "队伍" },
	{ "activities", NULL, "Activities", "服务活动" },
	{ "help_requests", NULL, "Help requests", "邻里互助" },
	{ "levels", NULL, "Star levels", "星级标准" },
	{ "months", NULL, "Closed months", "已结账月份" },
	{ "month", NULL, "Month closed", "月度结账" },
	{ "certificate", NULL, "Certificate of service", "服务证明" },
	{ "communities", NULL, "Communities", "社区" },
	{ "community", NULL, "Communities", "社区" },
	{ "stations", NULL, "Stations", "服务站" },
	{ "station", NULL, "Stations", "服务站" },
	{ "problems", NULL, "Audit problems", "审计问题" },
	{ "entries", NULL, "Outbox", "待发送" },
	{ "failed", NULL, "Outbox: failed", "发送失败" },
	{ "new_star_levels", NULL, "New star levels", "新晋星级" },
	{ "about", NULL, "About the report", "报表信息" },
	{ "redemption", NULL, "Redemption", "积分兑换" },
	{ "duplicates", NULL, "Suspected duplicates", "疑似重复登记" },

	/* Columns that read differently in some sheets. */
	{ "volunteers", "name", "Name", "姓名" },
	{ "checkins", "name", "Name", "姓名" },
	{ "checkins", "id", "Check-in", "签到号" },
	{ "duplicates", "resolved_at", "Resolved at", "处理时间" },
	{ "volunteer", "name", "Name", "姓名" },
	{ "certificate", "name", "Name", "姓名" },
	{ "new_star_levels", "name", "Name", "姓名" },
	{ "redemption", "name", "Item", "物品名称" },
	{ "redemption", "points", "Points spent", "消耗积分" },
	{ "items", "code", "Item code", "物品代码" },
	{ "items", "name", "Item", "物品名称" },
	{ "teams", "code", "Team code", "队伍代码" },
	{ "teams", "name", "Team", "队伍名称" },
	{ "teams", "kind", "Kind of team", "队伍类型" },
	{ "team", "code", "Team code", "队伍代码" },
	{ "team", "name", "Team", "队伍名称" },
	{ "team", "kind", "Kind of team", "队伍类型" },
	{ "activities", "code", "Activity code", "活动代码" },
	{ "activities", "name", "Activity", "活动名称" },
	{ "communities", "code", "Community code", "社区代码" },
	{ "communities", "name", "Community", "社区名称" },
	{ "community", "code", "Community code", "社区代码" },
	{ "community", "name", "Community", "社区名称" },
	{ "stations", "code", "Station code", "服务站代码" },
	{ "stations", "name", "Station", "服务站名称" },
	{ "station", "code", "Station code", "服务站代码" },
	{ "station", "name", "Station", "服务站名称" },
	{ "station", "community", "Community", "所属社区" },
	{ "community", "active", "Volunteers who served", "参加服务志愿者人数" },
	{ "levels", "hours", "Hours needed", "所需服务时长（小时）" },
	{ "help_requests", "points", "Points offered", "悬赏积分" },
	{ "transfers", "amount", "Points", "积分变动" },
	{ "transfers", "id", "Transfer", "流水号" },
	{ "shifts", "id", "Shift", "服务记录号" },
	{ "shifts", "points", "Points earned", "获得积分" },
	{ "help_requests", "id", "Request", "互助编号" },
	{ "about", "kind", "Report", "报表类型" },
	{ "about", "registration_share", "Target registration share",
	    "注册率目标" },
	{ "about", "from", "From", "起始时间" },
	{ "about", "to", "To (not included)", "截止时间（不含）" },

	/* Columns, by their JSON member. */
	{ NULL, "id", "ID", "序号" },
	{ NULL, "number", "Volunteer number", "志愿者编号" },
	{ NULL, "volunteer", "Volunteer number", "志愿者编号" },
	{ NULL, "name", "Name", "名称" },
	{ NULL, "code", "Code", "代码" },
	{ NULL, "community", "Community", "社区" },
	{ NULL, "community_name", "Community name", "社区名称" },
	{ NULL, "station", "Station", "服务站" },
	{ NULL, "status", "Status", "状态" },
	{ NULL, "registered_on", "Registered on", "注册日期" },
	{ NULL, "teams", "Teams", "所属队伍" },
	{ NULL, "minutes", "Hours of service", "志愿服务时长（小时）" },
	{ NULL, "hours", "Hours of service", "志愿服务时长（小时）" },
	{ NULL, "minutes_ytd", "Hours of service this year",
	    "本年累计服务时长（小时）" },
	{ NULL, "hours_ytd", "Hours of service this year",
	    "本年累计服务时长（小时）" },
	{ NULL, "average_hours", "Average hours of service",
	    "人均服务时长（小时）" },
	{ NULL, "points", "Points", "积分" },
	{ NULL, "star", "Star level", "星级" },
	{ NULL, "stars", "Star level", "星级" },
	{ NULL, "consent", "Consent to keep personal data",
	    "同意保存个人信息" },
	{ NULL, "gender", "Gender", "性别" },
	{ NULL, "birth_month", "Birth month", "出生年月" },
	{ NULL, "phone", "Phone", "联系电话" },
	{ NULL, "skills", "Skills", "技能特长" },
	{ NULL, "id_last4", "ID number ends", "身份证号后四位" },
	{ NULL, "at", "Time", "时间" },
	{ NULL, "action", "Action", "操作" },
	{ NULL, "keyid", "Key ID", "密钥标识" },
	{ NULL, "reason", "Reason", "原因" },
	{ NULL, "changes", "Changes", "变更内容" },
	{ NULL, "data", "Record", "记录内容" },
	{ NULL, "amount", "Amount", "数额" },
	{ NULL, "cause", "Cause", "事由" },
	{ NULL, "shift", "Shift", "服务记录号" },
	{ NULL, "reversal_of", "Reverses", "冲正流水号" },
	{ NULL, "memo", "Memo", "备注" },
	{ NULL, "started_at", "Start", "开始时间" },
	{ NULL, "ended_at", "End", "结束时间" },
	{ NULL, "activity", "Activity code", "活动代码" },
	{ NULL, "corrects", "Corrects", "更正的记录号" },
	{ NULL, "activity_name", "Service", "服务项目" },
	{ NULL, "place", "Place", "服务地点" },
	{ NULL, "served", "Served", "服务对象" },
	{ NULL, "content", "Content", "服务内容" },
	{ NULL, "lead", "Led by", "负责人" },
	{ NULL, "recorder", "Recorded by", "记录人" },
	{ NULL, "source", "Source", "来源" },
	{ NULL, "recorded_at", "Recorded at", "记录时间" },
	{ NULL, "category", "Category", "类别" },
	{ NULL, "price", "Price in points", "兑换所需积分" },
	{ NULL, "stock", "Stock", "库存" },
	{ NULL, "active", "Active", "有效" },
	{ NULL, "kind", "Kind", "类型" },
	{ NULL, "members", "Members", "成员人数" },
	{ NULL, "points_per_hour", "Points an hour", "每小时积分" },
	{ NULL, "daily_cap", "Daily cap of points", "每日积分上限" },
	{ NULL, "multipliers", "Multipliers", "积分倍率" },
	{ NULL, "requester", "Requester", "求助志愿者" },
	{ NULL, "helper", "Helper", "帮助志愿者" },
	{ NULL, "deadline", "Deadline", "截止时间" },
	{ NULL, "operation", "Operation", "操作类型" },
	{ NULL, "existing", "Registered as", "已登记为" },
	{ NULL, "existing_community", "In community", "所在社区" },
	{ NULL, "note", "Note", "处理说明" },
	{ NULL, "resolved_by", "Resolved by", "处理人密钥" },
	{ NULL, "station_name", "Station name", "服务站名称" },
	{ "certificate", "activities", "Kinds of service", "服务类别" },
	{ NULL, "description", "Description", "求助内容" },
	{ NULL, "created_at", "Created at", "创建时间" },
	{ NULL, "accepted_at", "Accepted at", "接受时间" },
	{ NULL, "resolved_at", "Resolved at", "结束时间" },
	{ NULL, "month", "Month", "月份" },
	{ NULL, "closed_at", "Closed at", "结账时间" },
	{ NULL, "digest", "Digest (SHA-256)", "摘要（SHA-256）" },
	{ NULL, "jws", "Signature (JWS)", "签名（JWS）" },
	{ NULL, "from", "From", "起始日期" },
	{ NULL, "to", "To", "截止日期" },
	{ NULL, "shifts", "Shifts", "服务次数" },
	{ NULL, "sha256", "Digest (SHA-256)", "证书摘要（SHA-256）" },
	{ NULL, "issued_at", "Issued at", "出具时间" },
	{ NULL, "revoked_at", "Revoked at", "撤销时间" },
	{ NULL, "revoke_reason", "Reason revoked", "撤销原因" },
	{ NULL, "receipt", "Receipt", "凭证号" },
	{ NULL, "item", "Item code", "物品代码" },
	{ NULL, "quantity", "Quantity", "数量" },
	{ NULL, "balance", "Points left", "积分余额" },
	{ NULL, "voided_at", "Voided at", "作废时间" },
	{ NULL, "void_reason", "Reason voided", "作废原因" },
	{ NULL, "population", "Population", "常住人口" },
	{ NULL, "role", "Role", "角色" },
	{ NULL, "key", "Key", "密钥状态" },
	{ NULL, "problem", "Problem", "问题" },
	{ NULL, "queued_at", "Queued at", "暂存时间" },
	{ NULL, "what", "Command", "命令" },
	{ NULL, "method", "Method", "请求方法" },
	{ NULL, "path", "Path", "请求路径" },
	{ NULL, "idempotency_key", "Idempotency key", "幂等键" },
	{ NULL, "body", "Request", "请求内容" },
	{ NULL, "refusal", "Refusal", "拒绝原因" },
	{ NULL, "answer", "Answer", "应答内容" },
	{ NULL, "registered", "Registered volunteers", "注册志愿者人数" },
	{ NULL, "registration_share", "Registration share", "注册率" },
	{ NULL, "share_target_met", "Registration target met",
	    "注册率达标" },
	{ NULL, "on_track", "Volunteers on track", "时长进度达标人数" },
	{ NULL, "points_issued", "Points issued", "发放积分" },
	{ NULL, "points_redeemed", "Points redeemed", "兑换积分" },
	{ NULL, "gifts", "Gifts handed out", "兑换物品件数" },
	{ NULL, "help_completed", "Help completed", "完成互助次数" },
	{ NULL, "progress", "Progress to the year's target (%)",
	    "年度时长目标进度（%）" },
	{ NULL, "points_earned", "Points earned", "获得积分" },
	{ NULL, "points_spent", "Points spent", "兑换使用积分" },
	{ NULL, "volunteers", "Volunteers", "志愿者人数" },
	{ NULL, "redemptions", "Redemptions", "积分兑换次数" },
	{ NULL, "period", "Period", "统计期间" },
	{ NULL, "level", "By", "统计层级" },
	{ NULL, "timezone", "Time zone", "时区" },
	{ NULL, "hours_per_year", "Target hours a year",
	    "年度服务时长目标（小时）" },
	{ NULL, "total", "Total", "合计" },
};

/* The heading of the column of JSON member key in sheet, or NULL. */
const char *
heading_column(const char *sheet, const char *key)
{
	const struct heading *h, *any = NULL;
	size_t i;

	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
		h = &headings[i];
		if (h->key == NULL || strcmp(h->key, key) != 0)
			continue;
		if (h->sheet == NULL && any == NULL)
			any = h;
		else if (h->sheet != NULL && sheet != NULL &&
		    strcmp(h->sheet, sheet) == 0)
			return h->chinese;
	}
	return any != NULL ? any->chinese : NULL;
}

/* The name of sheet in a workbook, or NULL. */
const char *
heading_sheet(const char *sheet)
{
	size_t i;

	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
		if (headings[i].key == NULL &&
		    strcmp(headings[i].sheet, sheet) == 0)
			return headings[i].chinese;
	}
	return NULL;
}

/* The label of a totals row. */
const char *
heading_total(void)
{
	return heading_column(NULL, "total");
}
