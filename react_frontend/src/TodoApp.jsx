import { useCallback, useEffect, useState } from 'react'
import AddTodoForm from './AddTodoForm.jsx'
import TodoItem from './TodoItem.jsx'
import { todosApi } from './api.js'

// The todo list with its loading, empty and error states. While the API is
// unreachable it retries every retryInterval milliseconds, so the page
// recovers by itself when the backend comes back.
export default function TodoApp({ api = todosApi, retryInterval = 3000 }) {
  const [todos, setTodos] = useState([])
  // loading: the first list request is running; ready: the list is shown;
  // unreachable: no backend or no database, retrying; failed: any other error.
  const [phase, setPhase] = useState('loading')
  const [problem, setProblem] = useState('')
  const [hostname, setHostname] = useState('')

  const fail = useCallback((error) => {
    setProblem(error.message)
    if (error.unreachable) {
      setPhase('unreachable')
    }
  }, [])

  const load = useCallback(async () => {
    try {
      const { data, hostname: servedBy } = await api.list()
      setTodos(data.todos)
      setHostname(servedBy)
      setPhase('ready')
      setProblem('')
    } catch (error) {
      fail(error)
      if (!error.unreachable) {
        setPhase('failed')
      }
    }
  }, [api, fail])

  useEffect(() => {
    load()
  }, [load])

  useEffect(() => {
    if (phase !== 'unreachable') {
      return undefined
    }
    const timer = setInterval(load, retryInterval)
    return () => clearInterval(timer)
  }, [phase, load, retryInterval])

  // Run an API call for a change; an unreachable API switches the page to
  // its retrying state, and every error reaches the control that asked.
  async function change(call) {
    try {
      const result = await call()
      setHostname(result.hostname)
      return result.data
    } catch (error) {
      fail(error)
      throw error
    }
  }

  async function add(title) {
    const created = await change(() => api.create(title))
    setTodos((current) => [created, ...current])
  }

  async function update(id, fields) {
    const updated = await change(() => api.update(id, fields))
    setTodos((current) => current.map((todo) => (todo.id === id ? updated : todo)))
  }

  async function remove(id) {
    await change(() => api.remove(id))
    setTodos((current) => current.filter((todo) => todo.id !== id))
  }

  return (
    <section aria-labelledby="todos-heading" className="todos">
      <h2 id="todos-heading">Todos</h2>
      <AddTodoForm onAdd={add} />

      {phase === 'loading' && <p role="status">Loading todos...</p>}
      {phase === 'unreachable' && (
        <div role="alert" className="banner">
          <p>
            The backend API is unreachable: {problem} Retrying every {retryInterval / 1000} seconds.
          </p>
          <button type="button" onClick={load}>
            Retry now
          </button>
        </div>
      )}
      {phase === 'failed' && (
        <div role="alert" className="banner">
          <p>Loading the todos failed: {problem}</p>
          <button type="button" onClick={load}>
            Retry
          </button>
        </div>
      )}
      {phase === 'ready' && todos.length === 0 && <p>No todos yet. Add the first one above.</p>}

      {todos.length > 0 && (
        <ul aria-label="Todos" className="todo-list">
          {todos.map((todo) => (
            <TodoItem key={todo.id} todo={todo} onUpdate={update} onDelete={remove} />
          ))}
        </ul>
      )}

      {hostname && (
        <p className="served-by">
          Last response served by backend container <code data-testid="backend-hostname">{hostname}</code>
        </p>
      )}
    </section>
  )
}
