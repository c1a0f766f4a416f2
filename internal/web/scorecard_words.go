package web

// scorecardFileErrors are the reasons the scorecard package gives for
// refusing an evidence file, as its error reads ("file: policy.txt is not a
// PDF document..."): catalog messages, so the scorecard page shows the
// reason in the reader's language (locale.errorText recognises them); the
// API keeps the English.
var scorecardFileErrors = []string{
	translatable("file: %v is empty"),
	translatable("file: %v is larger than %v MB; attach a smaller copy"),
	translatable("file: %v is not a PDF document or a photo (JPEG, PNG, WebP)"),
	translatable("file: %v could not be cleared of hidden details (%v); save it again as a new PDF or photo and attach that"),
	translatable("file: %v could not be read"),
}
