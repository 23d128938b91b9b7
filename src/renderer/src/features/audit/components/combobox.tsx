import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'

export interface ComboboxOption {
  /** What is chosen (an id, an action filter). */
  value: string
  /** What people read (a name, a label). */
  label: string
  /** A second line: an email, a slug, a count. */
  detail?: string
  /** Options of one group are listed under its heading, in the order given. */
  group?: string
}

/**
 * A searchable picker on the ARIA combobox pattern: a labelled text input that filters a listbox
 * of options by what is typed; ↓/↑ move through the options, Enter picks, Esc closes (and gives
 * the input its chosen value back). The input shows the chosen option's label while not typing.
 * `onSearch` receives the text typed (the caller may search the backend with it); options are
 * shown as given.
 */
export function Combobox({
  label,
  value,
  valueLabel,
  options,
  onSearch,
  onPick,
  onOpenChange,
  loading = false,
  disabled = false,
  placeholder,
  emptyText = 'Nothing matches.',
  hint,
}: {
  label: string
  value: string | null
  /** The label shown for `value` when not typing. */
  valueLabel: string
  options: ComboboxOption[]
  onSearch: (text: string) => void
  onPick: (option: ComboboxOption) => void
  onOpenChange?: (open: boolean) => void
  loading?: boolean
  disabled?: boolean
  placeholder?: string
  emptyText?: string
  hint?: ReactNode
}) {
  const id = useId()
  const listboxId = `${id}-listbox`
  const inputId = `${id}-input`
  const [typed, setTyped] = useState<string | null>(null)
  const [open, setOpenState] = useState(false)
  const [active, setActive] = useState(-1)
  const input = useRef<HTMLInputElement>(null)
  const setOpen = (next: boolean) => {
    setOpenState(next)
    onOpenChange?.(next)
  }
  const optionId = (index: number) => `${id}-option-${index}`
  const groups = useMemo(() => {
    const result: Array<{ name: string | undefined; options: Array<{ option: ComboboxOption; index: number }> }> = []
    options.forEach((option, index) => {
      const last = result.at(-1)
      if (last && last.name === option.group) last.options.push({ option, index })
      else result.push({ name: option.group, options: [{ option, index }] })
    })
    return result
  }, [options])

  const close = () => {
    setOpen(false)
    setTyped(null)
    setActive(-1)
  }
  const pick = (option: ComboboxOption) => {
    onPick(option)
    close()
  }
  const move = (step: number) => {
    if (!open) setOpen(true)
    if (options.length === 0) return
    const next = active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length
    setActive(next)
    document.getElementById(optionId(next))?.scrollIntoView({ block: 'nearest' })
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      move(1)
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      move(-1)
    } else if (event.key === 'Enter') {
      // The highlighted option, or the only one the typed words leave: Enter never silently does nothing.
      const chosen = active >= 0 ? options[active] : options.length === 1 ? options[0] : undefined
      if (open && chosen) {
        event.preventDefault()
        pick(chosen)
      }
    } else if (event.key === 'Escape') {
      if (open || typed !== null) {
        // Handled here: the page's own Escape (closing the event drawer) must not run too.
        event.preventDefault()
        event.stopPropagation()
        close()
      }
    } else if (event.key === 'Tab') {
      close()
    }
  }

  const renderOption = (option: ComboboxOption, index: number) => (
    <li
      key={option.value}
      id={optionId(index)}
      role="option"
      aria-selected={index === active || (active < 0 && option.value === value)}
      className={index === active ? 'combobox-option active' : 'combobox-option'}
      // Keep the focus in the input: a click picks without blurring (which would close first).
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => pick(option)}
      onMouseMove={() => {
        if (active !== index) setActive(index)
      }}
    >
      <span className="combobox-label">{option.label}</span>
      {option.detail && <span className="combobox-detail muted">{option.detail}</span>}
    </li>
  )

  return (
    <div className="combobox">
      <label htmlFor={inputId}>{label}</label>
      <input
        ref={input}
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-expanded={open}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        value={typed ?? valueLabel}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(event) => {
          setTyped(event.target.value)
          setActive(-1)
          if (!open) setOpen(true)
          onSearch(event.target.value)
        }}
        onFocus={(event) => {
          event.target.select()
        }}
        onClick={() => {
          if (!open) {
            setOpen(true)
            onSearch(typed ?? '')
          }
        }}
        onKeyDown={onKeyDown}
        onBlur={close}
      />
      {hint && <span className="combobox-hint muted">{hint}</span>}
      <div className="combobox-popup" hidden={!open}>
        <ul role="listbox" id={listboxId} aria-label={label} className="combobox-listbox" hidden={options.length === 0}>
          {groups.map((group, groupIndex) =>
            group.name ? (
              <li key={`${group.name}-${groupIndex}`} role="group" aria-label={group.name}>
                <div className="combobox-group" aria-hidden="true">
                  {group.name}
                </div>
                <ul role="presentation">{group.options.map(({ option, index }) => renderOption(option, index))}</ul>
              </li>
            ) : (
              group.options.map(({ option, index }) => renderOption(option, index))
            ),
          )}
        </ul>
        {open && options.length === 0 && (
          <div className="combobox-empty muted" role="status">
            {loading ? 'Searching…' : emptyText}
          </div>
        )}
      </div>
    </div>
  )
}
