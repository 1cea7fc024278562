// The annual report of a round (Word), downloaded with the session's token like the exports: the unit types that have
// published results, and the version shown on the screen for its unit type (the latest for the others).
import { ref } from 'vue'
import { client } from '../api/client'
import { downloadFile } from '../download'

export function useReportDownload () {
  const downloading = ref(false)

  /** Downloads the report and returns the file's name; failures are thrown as ApiErrors by the client. */
  async function downloadReport (roundId: string, unitTypes: string[], shown: { unitType: string, version: number } | null): Promise<string> {
    downloading.value = true
    try {
      return await downloadFile(client.GET('/rounds/{id}/report', {
        params: {
          path: { id: roundId },
          query: { format: 'docx', unitTypes: unitTypes.join(','), ...(shown ? { versions: `${shown.unitType}:${shown.version}` } : {}) }
        },
        parseAs: 'blob'
      }), 'bao-cao-chi-so-cchc.docx')
    } finally {
      downloading.value = false
    }
  }

  return { downloading, downloadReport }
}
