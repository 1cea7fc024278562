// What the self-assessment screen shares with every node and leaf of its tree, without passing it down each level.
import type { ComputedRef, InjectionKey, Ref } from 'vue'
import type { EvidenceFile, SelfAssessmentLeaf, SelfAssessmentSection } from './api/types'
import type { LeafInputValue } from './components/LeafScoreInput.vue'
import type { UploadItem } from './composables/useEvidence'
import type { LeafSaveState } from './composables/useSelfAssessment'

export interface SelfAssessmentContext {
  /** The caller may change the unit's self-assessment at all (its own officer); each leaf also says whether it is open now. */
  canEdit: ComputedRef<boolean>
  leafByCode: ComputedRef<Map<string, SelfAssessmentLeaf>>
  inputOf: (leaf: SelfAssessmentLeaf) => LeafInputValue | null
  explanationOf: (leaf: SelfAssessmentLeaf) => string
  hasDraft: (code: string) => boolean
  saveStateOf: (code: string) => LeafSaveState | undefined
  edit: (code: string, change: { input?: LeafInputValue | null, explanation?: string }) => void
  collapsed: Ref<Set<string>>
  toggle: (code: string) => void
  filesOf: (code: string) => EvidenceFile[]
  allFiles: Ref<EvidenceFile[]>
  uploadsOf: (code: string) => UploadItem[]
  /** The stored file once listed, or null when it was refused or cancelled (the leaf says which). */
  upload: (code: string, file: File) => Promise<EvidenceFile | null>
  dismissUpload: (id: number) => void
  attach: (fileId: string, code: string) => Promise<void>
  detach: (file: EvidenceFile, code: string) => Promise<void>
  remove: (file: EvidenceFile) => Promise<void>
  openFile: (file: EvidenceFile) => Promise<void>
  /** Per field code: its totals from the server. */
  fieldTotal: (code: string) => { points: number, maxPoints: number, applicableMaximum: number, percentDisplay: string | null, answered: number, leaves: number } | undefined
}

export const selfAssessmentKey: InjectionKey<SelfAssessmentContext> = Symbol('self-assessment')

/** A field or criterion with its children, or a leaf (no children), as the screen draws them. */
export interface TreeNode {
  code: string
  title: string
  maxPoints: number
  leaf: boolean
  children: TreeNode[]
}

/** The tree from the state's sections (fields first, each section listing its children in catalog order) and leaves. */
export function buildTree (sections: readonly SelfAssessmentSection[], leaves: readonly SelfAssessmentLeaf[]): TreeNode[] {
  const sectionByCode = new Map(sections.map((section) => [section.code, section]))
  const leafByCode = new Map(leaves.map((leaf) => [leaf.code, leaf]))
  const node = (code: string): TreeNode[] => {
    const section = sectionByCode.get(code)
    if (section) return [{ code, title: section.title, maxPoints: section.maxPoints, leaf: false, children: section.childCodes.flatMap(node) }]
    const leaf = leafByCode.get(code)
    return leaf ? [{ code, title: leaf.title, maxPoints: leaf.maxPoints, leaf: true, children: [] }] : []
  }
  // A field without criteria would be a leaf of its own; none of today's catalogs has one, so it simply comes last.
  return [...sections.filter((section) => section.parentCode === null), ...leaves.filter((leaf) => leaf.parentCode === null)].flatMap((item) => node(item.code))
}

/** The id of a leaf's block on the page, for links from the missing list and the supplement requests. */
export const leafAnchor = (code: string) => `leaf-${code}`

/** A short name for a detected media type, as a person would call the file. */
export function fileKind (mime: string): string {
  if (mime === 'application/pdf') return 'PDF'
  if (mime === 'image/jpeg') return 'Ảnh JPEG'
  if (mime === 'image/png') return 'Ảnh PNG'
  if (mime.includes('wordprocessing') || mime === 'application/msword') return 'Word'
  if (mime.includes('spreadsheet') || mime === 'application/vnd.ms-excel') return mime.includes('oasis') ? 'Bảng tính OpenDocument' : 'Excel'
  if (mime.includes('presentation') || mime === 'application/vnd.ms-powerpoint') return mime.includes('oasis') ? 'Trình chiếu OpenDocument' : 'PowerPoint'
  if (mime.includes('oasis')) return 'Văn bản OpenDocument'
  return mime
}
