package sandbox

// analysis is the detail's analysis block: three nulls until the
// verification is completed. The documents show only "{ object }"; the
// objects' fields are the sandbox's own, derived from the score.
type analysis struct {
	CreditSummary   *creditSummary   `json:"credit_summary"`
	Credibility     *credibility     `json:"credibility"`
	UseCaseAnalysis *useCaseAnalysis `json:"use_case_analysis"`
}

type creditSummary struct {
	Collectibility    int `json:"collectibility"` // OJK's 1 (lancar) .. 5 (macet)
	ActiveFacilities  int `json:"active_facilities"`
	OverdueFacilities int `json:"overdue_facilities"`
}

type credibility struct {
	Score       int    `json:"score"`
	Level       string `json:"level"`
	Description string `json:"description"`
}

type useCaseAnalysis struct {
	VerificationTypeName string `json:"verification_type_name"`
	Recommendation       string `json:"recommendation"`
}

var levelWords = map[string]struct{ description, recommendation string }{
	"A": {"Kredibilitas sangat baik", "Direkomendasikan"},
	"B": {"Kredibilitas baik", "Direkomendasikan"},
	"C": {"Kredibilitas cukup", "Dipertimbangkan"},
	"D": {"Kredibilitas kurang", "Tidak direkomendasikan"},
	"E": {"Kredibilitas sangat kurang", "Tidak direkomendasikan"},
}

func analysisFor(v *verification, pr progress) analysis {
	if pr.Score == nil {
		return analysis{}
	}
	score, level := *pr.Score, *pr.Level
	collect := 1 + (100-score)/21
	words := levelWords[level]
	return analysis{
		CreditSummary: &creditSummary{Collectibility: collect, ActiveFacilities: score % 5, OverdueFacilities: collect - 1},
		Credibility:   &credibility{Score: score, Level: level, Description: words.description},
		UseCaseAnalysis: &useCaseAnalysis{
			VerificationTypeName: verificationTypes[v.VerificationTypeID].name,
			Recommendation:       words.recommendation,
		},
	}
}
