package server

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the API's OpenAPI 3.1 document. TestOpenAPIMatchesRoutes
// keeps it and apiRoutes in step: every route documented with its role,
// nothing documented that is not served.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ *principal) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiDoc)
	return err
}
