package models

import "strings"

// noticeTexts are the title and body of each kind of notification, in
// both languages, with {name} placeholders filled from its Params. They
// live beside the kinds (not in the web UI's locales) because the API
// and mail render them too.
var noticeTexts = map[string]map[string][2]string{
	NoteInvited: {
		LangZH: {"{org}邀请您参加「{project}」", "{org}邀请您参加项目「{project}」。接受邀请即进入入围阶段。"},
		LangEN: {"{org} invites you to “{project}”", "{org} invites you to the project “{project}”. Accepting the invitation shortlists you."},
	},
	NoteInviteWithdrawn: {
		LangZH: {"{org}撤回了「{project}」的邀请", "{org}撤回了邀请您参加项目「{project}」的邀请。"},
		LangEN: {"{org} withdrew its invitation to “{project}”", "{org} withdrew its invitation to the project “{project}”."},
	},
	NoteMoved: {
		LangZH: {"您对「{project}」的申请：{stage}", "{org}把您对「{project}」的申请移到了「{stage}」。"},
		LangEN: {"Your application to “{project}”: {stage}", "{org} moved your application to “{project}” to “{stage}”."},
	},
	NoteApplied: {
		LangZH: {"「{project}」收到新的申请", "一位候选人申请了「{project}」。"},
		LangEN: {"New application to “{project}”", "A candidate applied to “{project}”."},
	},
	NoteAccepted: {
		LangZH: {"候选人接受了「{project}」的邀请", "一位受邀的候选人接受了「{project}」的邀请，已入围。"},
		LangEN: {"A candidate accepted your invitation to “{project}”", "A candidate you invited to “{project}” accepted and is shortlisted."},
	},
	NoteWithdrew: {
		LangZH: {"候选人撤回了「{project}」的申请", "一位候选人撤回了对「{project}」的申请。"},
		LangEN: {"A candidate withdrew from “{project}”", "A candidate withdrew their application to “{project}”."},
	},
	NoteContactShared: {
		LangZH: {"候选人向您分享了联系方式（「{project}」）", "一位「{project}」的候选人同意向贵机构分享联系方式。"},
		LangEN: {"A candidate shared contact details (“{project}”)", "A candidate for “{project}” agreed to share their contact details with your organisation."},
	},
	NoteOrgDecided: {
		LangZH: {"机构「{org}」：{status}", "主管部门对机构「{org}」的审核结果：{status}。{reason}"},
		LangEN: {"Organisation “{org}”: {status}", "The bureau's decision on the organisation “{org}”: {status}. {reason}"},
	},
	NoteBaseDecided: {
		LangZH: {"基地「{base}」：{status}", "主管部门对基地「{base}」的审核结果：{status}。{reason}"},
		LangEN: {"Base “{base}”: {status}", "The bureau's decision on the base “{base}”: {status}. {reason}"},
	},
	NoteRecruitmentDecided: {
		LangZH: {"引进人才报告（{date}）：{status}", "主管部门对 {date} 的引进人才报告的审核结果：{status}。{reason}"},
		LangEN: {"Hire report ({date}): {status}", "The bureau's decision on the hire report of {date}: {status}. {reason}"},
	},
	NoteMemberInvited: {
		LangZH: {"「{org}」邀请您加入", "机构「{org}」邀请您以成员身份加入。请在机构页面接受或拒绝。"},
		LangEN: {"“{org}” invites you to join", "The organisation “{org}” invites you to join as a member. Accept or decline on the organisation page."},
	},
	NoteSavedSearch: {
		LangZH: {"保存的搜索「{name}」有 {count} 个新结果", "保存的搜索「{name}」有 {count} 个新的匹配结果。"},
		LangEN: {"{count} new results for your saved search “{name}”", "Your saved search “{name}” has {count} new matches."},
	},
	// A creator's saved project search: the project and its score.
	noteSavedProject: {
		LangZH: {"「{name}」：新项目「{project}」（匹配度 {score}%）", "新开放的项目「{project}」符合您保存的搜索「{name}」，与您资料的匹配度为 {score}%。"},
		LangEN: {"“{name}”: new project “{project}” ({score}% match)", "The newly open project “{project}” fits your saved search “{name}” and matches your profile at {score}%."},
	},
	NoteMessage: {
		LangZH: {"「{project}」有新消息：{name}", "{name} 在「{project}」的沟通中给您发了一条消息。"},
		LangEN: {"New message about “{project}” from {name}", "{name} wrote to you about “{project}”."},
	},
	NoteTeamInvited: {
		LangZH: {"{name}邀请您加入团队「{team}」", "{name}邀请您加入创业团队「{team}」。请在团队页面接受或拒绝。"},
		LangEN: {"{name} invites you to the team “{team}”", "{name} invites you to join the startup team “{team}”. Accept or decline on the team's page."},
	},
	NoteReviewerAdded: {
		LangZH: {"请评审「{call}」", "「{org}」请您评审其孵化征集「{call}」的申请。"},
		LangEN: {"Please review “{call}”", "“{org}” asks you to review the entries of its call “{call}”."},
	},
	NoteEntryDecided: {
		LangZH: {"「{call}」的申请结果：{status}", "「{org}」对您在「{call}」的申请的决定：{status}。{reason}"},
		LangEN: {"Your entry to “{call}”: {status}", "“{org}” decided on your entry to “{call}”: {status}. {reason}"},
	},
	NoteOperatorAsked: {
		LangZH: {"「{org}」请贵机构合作运营基地「{base}」", "机构「{org}」请贵机构作为合作运营方加入基地「{base}」。请机构管理员在机构页面确认或拒绝。"},
		LangEN: {"“{org}” asks you to co-operate the base “{base}”", "The organisation “{org}” asks yours to co-operate the base “{base}”. A manager confirms or declines on the organisation page."},
	},
	NotePasswordChanged: {
		LangZH: {"您的密码已更改", "您账号的密码刚刚被更改，所有登录会话已结束。如果不是您本人操作，请立即重设密码并联系管理员。"},
		LangEN: {"Your password was changed", "The password of your account was just changed and every session ended. If this was not you, reset your password now and tell an administrator."},
	},
	NoteAccountDisabled: {
		LangZH: {"您的账号已被停用", "管理员停用了您的账号，您已无法登录。如有疑问，请联系平台管理员。"},
		LangEN: {"Your account was disabled", "An administrator disabled your account; you can no longer sign in. If you think this is a mistake, contact the platform's administrators."},
	},
}

// noteSavedProject is the text of a saved search's alert about a project
// (a variant of NoteSavedSearch, not a kind of its own).
const noteSavedProject = "saved_search_project"

// noticeWords translate the values a notice names (stages, statuses) so
// that a title reads in one language.
var noticeWords = map[string]map[string]string{
	LangZH: {
		"applied": "已申请", "invited": "已邀请", "shortlisted": "入围", "interviewing": "面试中", "offered": "已发录用",
		"hired": "已录用", "rejected": "未通过", "withdrawn": "已撤回", "verified": "已认定", "pending": "待审核",
		"accepted": "已录取", "waitlisted": "候补",
	},
	LangEN: {
		"applied": "applied", "invited": "invited", "shortlisted": "shortlisted", "interviewing": "interviewing",
		"offered": "offered", "hired": "hired", "rejected": "rejected", "withdrawn": "withdrawn", "verified": "verified",
		"pending": "pending", "accepted": "accepted", "waitlisted": "waitlisted",
	},
}

// noticeReason introduces a decision's reason in each language.
var noticeReason = map[string]string{LangZH: "理由：", LangEN: "Reason: "}

// NoticeText renders a notification of kind in lang ("zh-CN" when it is
// not "en"): its title and its body. Stages and statuses are translated;
// a reason is introduced; a placeholder without a value is left empty.
func NoticeText(kind, lang string, params map[string]string) (title, body string) {
	if lang != LangEN {
		lang = LangZH
	}
	if kind == NoteSavedSearch && params["project"] != "" {
		kind = noteSavedProject
	}
	t, ok := noticeTexts[kind][lang]
	if !ok {
		return kind, ""
	}
	vals := make(map[string]string, len(params))
	for k, v := range params {
		switch k {
		case "stage", "status":
			if w, ok := noticeWords[lang][v]; ok {
				v = w
			}
		case "reason":
			if v != "" {
				v = noticeReason[lang] + v
			}
		}
		vals[k] = v
	}
	return fill(t[0], vals), fill(t[1], vals)
}

// fill replaces each {name} of tmpl by its value (empty when it has none).
// Values are inserted as they are: braces a user typed stay.
func fill(tmpl string, vals map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteString(vals[tmpl[i+1:i+j]])
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return strings.TrimSpace(b.String())
}
