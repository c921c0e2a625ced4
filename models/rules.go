package models

import "errors"

// Rule names what is wrong with a field, for a reader in any language: the
// API sends the English message of Error.Fields, and the web UI shows the
// text of its key "form.rule.<rule>" in the page's language, with the
// rule's parameter as {{.N}}. Every rule is in Rules, and a test fails when
// one has no text in either language.
type Rule string

// The rules of field errors.
const (
	RuleRequired          Rule = "required"
	RuleRequiredWithout   Rule = "required_without" // required unless another field is given
	RuleEmail             Rule = "email"
	RuleMaxChars          Rule = "max_chars"
	RuleMinChars          Rule = "min_chars"
	RuleLenChars          Rule = "len_chars"
	RuleMaxItems          Rule = "max_items"
	RuleMinItems          Rule = "min_items"
	RuleMax               Rule = "max" // a number at most Param
	RuleMin               Rule = "min" // a number at least Param
	RuleOneOf             Rule = "one_of"
	RuleSingleLine        Rule = "single_line"
	RuleMultiLine         Rule = "multi_line"
	RuleTaxonomy          Rule = "taxonomy" // a key of one of the taxonomy's vocabularies
	RuleDate              Rule = "date"
	RuleLevel             Rule = "level"
	RuleID                Rule = "id"
	RulePhone             Rule = "phone"
	RuleURL               Rule = "url"
	RuleLanguage          Rule = "language"
	RuleUnique            Rule = "unique"
	RuleNumber            Rule = "number" // a whole number in a range
	RuleBool              Rule = "bool"
	RuleTooManyValues     Rule = "too_many_values"
	RuleTooLong           Rule = "too_long"
	RuleRepeated          Rule = "repeated" // a parameter or key given twice
	RuleUnknown           Rule = "unknown"  // not a parameter or field of this request
	RuleServerOwned       Rule = "server_owned"
	RuleType              Rule = "type" // the wrong JSON type
	RuleRegistered        Rule = "registered"
	RuleWrongPassword     Rule = "wrong_password"
	RuleNoSuch            Rule = "no_such" // names nothing the caller may use
	RuleOwnOrgRequired    Rule = "own_org_required"
	RuleEnterpriseFlags   Rule = "enterprise_flags"
	RuleCannotInvite      Rule = "cannot_invite"
	RuleCreatorOnly       Rule = "creator_only"
	RuleDiffers           Rule = "differs"             // differs from the application the record is of
	RuleMatchSort         Rule = "match_sort"          // sorting by match needs a creator's profile
	RuleMatchSortTooMany  Rule = "match_sort_too_many" // too many results to sort by match (Param: the limit)
	RuleNoChange          Rule = "no_change"
	RuleStageOrConsent    Rule = "stage_or_consent"
	RuleQueryInvalid      Rule = "query_invalid"
	RuleQueryTooLong      Rule = "query_too_long"
	RuleQueryTooComplex   Rule = "query_too_complex"
	RuleQueryOnlyExcluded Rule = "query_only_excluded"
	RuleTooDeep           Rule = "too_deep"
	RuleTermKey           Rule = "term_key"        // a vocabulary's key is ill-formed
	RuleTermLabels        Rule = "term_labels"     // a term needs both labels
	RuleTermKept          Rule = "term_kept"       // a key cannot be removed, only retired (Param: the key)
	RuleTermsFixed        Rule = "terms_fixed"     // origins' and levels' keys are fixed
	RuleVocabLine         Rule = "vocab_line"      // a line of the vocabulary editor is not "key | 中文 | English" (Param: its number)
	RuleAmbiguous         Rule = "ambiguous"       // a label that names several terms (Param: their keys)
	RuleIdentityNumber    Rule = "identity_number" // not a number of that identity document (Param: the document type)
	RuleNotOwnOrg         Rule = "not_own_org"     // an import row names another organisation than the importer's
	RuleCannotReview      Rule = "cannot_review"   // not an account that may review the organisation's call
	RuleInvalid           Rule = "invalid"         // the rest
)

// Rules lists every rule (the locale test reads it).
var Rules = []Rule{RuleMatchSort, RuleMatchSortTooMany, RuleRequired, RuleRequiredWithout, RuleEmail, RuleMaxChars, RuleMinChars, RuleLenChars, RuleMaxItems,
	RuleMinItems, RuleMax, RuleMin, RuleOneOf, RuleSingleLine, RuleMultiLine, RuleTaxonomy, RuleDate, RuleLevel, RuleID,
	RulePhone, RuleURL, RuleLanguage, RuleUnique, RuleNumber, RuleBool, RuleTooManyValues, RuleTooLong, RuleRepeated,
	RuleUnknown, RuleServerOwned, RuleType, RuleRegistered, RuleWrongPassword, RuleNoSuch, RuleOwnOrgRequired,
	RuleEnterpriseFlags, RuleCannotInvite, RuleCreatorOnly, RuleDiffers, RuleNoChange, RuleStageOrConsent,
	RuleQueryInvalid, RuleQueryTooLong, RuleQueryTooComplex, RuleQueryOnlyExcluded, RuleTooDeep, RuleTermKey, RuleTermLabels,
	RuleTermKept, RuleTermsFixed, RuleVocabLine, RuleAmbiguous, RuleIdentityNumber, RuleNotOwnOrg, RuleCannotReview, RuleInvalid}

// Refusal names a refusal that is not about one field (a state, a role),
// for the UI to say in the reader's language.
type Refusal string

// The refusals the UI explains.
const (
	RefusalProjectClosed        Refusal = "project_closed"
	RefusalProfileFirst         Refusal = "profile_first"
	RefusalInOrg                Refusal = "in_org"
	RefusalLastManager          Refusal = "last_manager"
	RefusalManagerStays         Refusal = "manager_stays"
	RefusalAlreadyDecided       Refusal = "already_decided"  // Param: the status
	RefusalNotDecided           Refusal = "not_decided"      // a correction of a record not yet decided
	RefusalNotWithdrawable      Refusal = "not_withdrawable" // Param: the status
	RefusalIllegalMove          Refusal = "illegal_move"     // Param: the stage moved to
	RefusalNotInvited           Refusal = "not_invited"      // only an invitation is accepted
	RefusalProjectHasApplicants Refusal = "project_applicants"
	RefusalOrgNotVerified       Refusal = "org_not_verified" // Param: the status
	RefusalNotHired             Refusal = "not_hired"
	RefusalCallNotOpen          Refusal = "call_not_open"        // Param: the first day
	RefusalCallClosed           Refusal = "call_closed"          // Param: the last day
	RefusalConflictOfInterest   Refusal = "conflict_of_interest" // a reviewer in the applying team
	RefusalTooFewReviews        Refusal = "too_few_reviews"
	RefusalCohortFull           Refusal = "cohort_full"      // Param: the seats
	RefusalUnderReview          Refusal = "under_review"     // an entry's answers once a reviewer has begun
	RefusalOrgVerified          Refusal = "org_verified"     // a manager's change to a verified organisation
	RefusalBaseVerified         Refusal = "base_verified"    // a member's change to a verified base
	RefusalAlreadyOperator      Refusal = "already_operator" // an organisation the base names already
	RefusalRegistrarStays       Refusal = "registrar_stays"  // the organisation that registered a base
)

// Refusals lists every refusal the UI explains (the locale test reads it).
var Refusals = []Refusal{RefusalProjectClosed, RefusalProfileFirst, RefusalInOrg, RefusalLastManager, RefusalManagerStays,
	RefusalAlreadyDecided, RefusalNotDecided, RefusalNotWithdrawable, RefusalIllegalMove, RefusalNotInvited,
	RefusalProjectHasApplicants, RefusalOrgNotVerified, RefusalNotHired, RefusalCallNotOpen, RefusalCallClosed,
	RefusalConflictOfInterest, RefusalTooFewReviews, RefusalCohortFull, RefusalUnderReview, RefusalOrgVerified, RefusalBaseVerified,
	RefusalAlreadyOperator, RefusalRegistrarStays}

// Refusef is Errorf with the refusal named for the UI.
func Refusef(code Code, refusal Refusal, param, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Refusal, e.RefusalParam = refusal, param
	return e
}

// ErrorRefusal returns the named refusal of an error ("" when it has none)
// and its parameter.
func ErrorRefusal(err error) (Refusal, string) {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Refusal, e.RefusalParam
	}
	return "", ""
}

// FieldRule is the rule a field broke and its parameter (a length, a
// range, the allowed values).
type FieldRule struct {
	Rule  Rule
	Param string
}

// FieldProblem is an error of one field: code (CodeValidation, or
// CodeBadRequest for a query parameter), the field's JSON path, the rule
// and its parameter for the UI, and the English message for the API.
func FieldProblem(code Code, field string, rule Rule, param, msg string) *Error {
	top := "some fields are invalid"
	if code != CodeValidation {
		top = field + " " + msg
	}
	return &Error{Code: code, Message: top, Fields: map[string]string{field: msg}, Rules: map[string]FieldRule{field: {rule, param}}}
}

// ErrorRules returns the rules of an error's fields (nil when it has none).
func ErrorRules(err error) map[string]FieldRule {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Rules
	}
	return nil
}
