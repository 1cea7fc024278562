// One confirmation dialog for the whole app: `await confirm({ … })` resolves true when the user agrees.
import { shallowRef } from 'vue'

export interface ConfirmOptions {
  title: string
  message: string
  confirmLabel?: string
  danger?: boolean
}

interface PendingConfirm extends ConfirmOptions {
  resolve: (agreed: boolean) => void
}

const pending = shallowRef<PendingConfirm | null>(null)

function confirm (options: ConfirmOptions): Promise<boolean> {
  pending.value?.resolve(false)
  return new Promise((resolve) => {
    pending.value = { ...options, resolve }
  })
}

function answer (agreed: boolean): void {
  const current = pending.value
  pending.value = null
  current?.resolve(agreed)
}

export function useConfirm () {
  return { pending, confirm, answer }
}
