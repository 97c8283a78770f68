# Step 1: the Django Dockerfile that many tutorials show. It works, and
# chapter 6 improves it one step at a time. Do not copy it.
ARG PYTHON_IMAGE=python:3.13
FROM ${PYTHON_IMAGE}
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y gcc pkg-config libmariadb-dev
RUN pip install -r requirements.txt
EXPOSE 8000
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
