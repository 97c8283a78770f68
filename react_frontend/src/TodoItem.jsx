import { useState } from 'react'

// One todo: a checkbox for done, its title, and rename and delete buttons.
// Renaming swaps the title for an input: Enter or Save stores the new title,
// Escape or Cancel keeps the old one.
export default function TodoItem({ todo, onUpdate, onDelete }) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(todo.title)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function run(action) {
    setBusy(true)
    setError('')
    try {
      await action()
      return true
    } catch (failure) {
      setError(failure.errors?.title?.join(' ') || failure.message)
      return false
    } finally {
      setBusy(false)
    }
  }

  async function save(event) {
    event.preventDefault()
    if (await run(() => onUpdate(todo.id, { title: draft }))) {
      setEditing(false)
    }
  }

  function cancel() {
    setDraft(todo.title)
    setEditing(false)
    setError('')
  }

  const checkboxId = `todo-done-${todo.id}`
  return (
    <li className={todo.done ? 'todo done' : 'todo'}>
      {editing ? (
        <form onSubmit={save} className="rename" onKeyDown={(event) => event.key === 'Escape' && cancel()}>
          <label htmlFor={`todo-title-${todo.id}`} className="visually-hidden">
            New title for {todo.title}
          </label>
          <input
            id={`todo-title-${todo.id}`}
            value={draft}
            maxLength={200}
            autoFocus
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <input
            id={checkboxId}
            type="checkbox"
            checked={todo.done}
            disabled={busy}
            onChange={() => run(() => onUpdate(todo.id, { done: !todo.done }))}
          />
          <label htmlFor={checkboxId} className="title">
            {todo.title}
          </label>
          <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${todo.title}`}>
            Rename
          </button>
          <button type="button" onClick={() => run(() => onDelete(todo.id))} disabled={busy} aria-label={`Delete ${todo.title}`}>
            Delete
          </button>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  )
}
