import { useState } from 'react'

// A labelled input and button that create a todo. onAdd(title) resolves
// when the todo is stored and rejects with an ApiError otherwise.
export default function AddTodoForm({ onAdd }) {
  const [title, setTitle] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState('')

  async function submit(event) {
    event.preventDefault()
    if (!title.trim()) {
      setError('Type a title first.')
      return
    }
    setSubmitting(true)
    setError('')
    try {
      await onAdd(title)
      setTitle('')
    } catch (failure) {
      setError(failure.errors?.title?.join(' ') || failure.message)
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <form onSubmit={submit} className="add-todo" noValidate>
      <label htmlFor="new-todo-title">New todo</label>
      <input
        id="new-todo-title"
        value={title}
        maxLength={200}
        onChange={(event) => setTitle(event.target.value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'new-todo-error' : undefined}
      />
      <button type="submit" disabled={submitting}>
        Add
      </button>
      {error && (
        <p id="new-todo-error" role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  )
}
